// Loads Node's built-in modules through `require` in the bundle, not as ES module imports. Node builds
// a builtin's ES module namespace by reading every export, getters included, and several getters load
// far more than the module: `http`'s WebSocket, CloseEvent and MessageEvent load undici (fetch and web
// streams, and through them http2, zlib, worker_threads and perf_hooks); `util`'s
// transferableAbortSignal loads worker_threads; `process`'s stdin, stdout and report open streams and
// load readline; `crypto`'s webcrypto loads the Web Crypto API. `require` returns the exports object
// and runs no getter until one is read. Measured on Node 24.21 with the launcher's flags: a process
// that only imports `request` from `node:http` idles at 57.3 MiB RSS, one that requires it at 46.2 MiB,
// bare Node at 42.0; the whole artifact agent idled at 65.6 MiB before and 60.6 after (side by side,
// with the SDK's ES modules as well: bundle.mjs). The stand-ins' export names are listed by the Node that
// runs the build; one that the shipped Node lacks reads as undefined.
import { execFileSync } from 'node:child_process';
import { isBuiltin } from 'node:module';

const NAMESPACE = 'ebs-autoscale-builtin-require';

/**
 * The getters that a bundled module imports by name, read when the stand-in loads. Each loads only
 * what the agent loads anyway (fs/promises, fs streams, abort controllers) or nothing; a new one fails
 * the build until it is judged and added here.
 */
const IMPORTED_GETTERS = { 'node:fs': ['promises', 'ReadStream'], 'node:crypto': ['getRandomValues'], 'node:util': ['aborted', 'parseArgs'] };

// Lists a builtin's exports in a fresh Node, each as data, a getter, or lazy: `util`'s parseArgs, diff
// and setTraceSigInt load their module when their descriptor is read (setTraceSigInt: worker_threads).
const LIST_EXPORTS = `const m = require(process.argv[1]); const out = {};
for (const key of Object.keys(m)) { const before = process.moduleLoadList.length; const d = Object.getOwnPropertyDescriptor(m, key);
  out[key] = process.moduleLoadList.length > before ? 'lazy' : 'value' in d ? 'data' : 'getter'; }
process.stdout.write(JSON.stringify(out));`;

/** @type {import('esbuild').Plugin} */
export const builtinRequirePlugin = {
  name: NAMESPACE,
  setup(build) {
    build.onResolve({ filter: /^[\w:/]+$/ }, (args) => {
      if (!isBuiltin(args.path) || (args.kind !== 'import-statement' && args.kind !== 'dynamic-import')) return undefined;
      // The stand-in's own `require` of the builtin stays external.
      if (args.namespace === NAMESPACE) return { path: args.path, external: true };
      return { path: nodeName(args.path), namespace: NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ contents: builtinModuleSource(args.path), loader: 'js' }));
  },
};

/** `node:fs` for `fs` or `node:fs`: one stand-in per builtin, whichever way it is spelt. */
function nodeName(path) {
  return path.startsWith('node:') ? path : `node:${path}`;
}

/**
 * The module that stands for one builtin: its CommonJS exports as the default export, and each of their
 * data properties by name. Getters and lazy properties are left out but for {@link IMPORTED_GETTERS};
 * an import of any other fails the build ("No matching export").
 * @param {string} name `node:…`
 */
export function builtinModuleSource(name) {
  /** @type {Record<string, 'data' | 'getter' | 'lazy'>} */
  const kinds = JSON.parse(execFileSync(process.execPath, ['-e', LIST_EXPORTS, name], { encoding: 'utf8' }));
  const names = Object.entries(kinds)
    .filter(([key, kind]) => (kind === 'data' || IMPORTED_GETTERS[name]?.includes(key)) && key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key))
    .map(([key]) => key)
    .sort();
  return [
    "import { createRequire } from 'node:module';",
    `const builtin = createRequire(import.meta.url)(${JSON.stringify(name)});`,
    'export default builtin;',
    names.length > 0 ? `export const { ${names.join(', ')} } = builtin;` : '',
    '',
  ].join('\n');
}
