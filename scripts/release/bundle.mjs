// The agent as a few ES modules: one entry and a lazily-loaded chunk per command (main.ts imports each
// command's module when it runs). esbuild tree-shakes the AWS SDK down to the actions the provisioner
// calls, and the simulator lands only in the `demo` chunk, which `agentPathInputs` checks.
import { build } from 'esbuild';
import { join } from 'node:path';
import { builtinRequirePlugin } from './builtin-require-plugin.mjs';
import { releaseError } from './release-error.mjs';
import { sdkSchemasPlugin } from './sdk-schemas-plugin.mjs';

/** The entry, relative to the bundle's directory (lib/ in the artifact). */
export const BUNDLE_ENTRY = 'ebs-autoscale.mjs';

const ENTRY_SOURCE = `import { main } from './packages/cli/src/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n`;

// pino and prom-client are CommonJS and require Node's built-ins; an ES module has no `require`. ssh2
// (under dockerode, in the Docker reclaimer's lazy chunk) reads `__dirname` as it loads, which an ES
// module has not either.
const REQUIRE_SHIM =
  "import { createRequire as __ebsCreateRequire } from 'node:module'; const require = __ebsCreateRequire(import.meta.url); import { fileURLToPath as __ebsFileURLToPath } from 'node:url'; const __filename = __ebsFileURLToPath(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));";

/**
 * @typedef {{ files: { path: string, contents: Uint8Array }[], metafile: import('esbuild').Metafile }} Bundle
 * `files` have paths relative to the bundle's directory.
 */

/**
 * @param {string} repo
 * @returns {Promise<Bundle>}
 */
export async function bundleAgent(repo) {
  const outdir = join(repo, 'dist/release/lib');
  const result = await build({
    stdin: { contents: ENTRY_SOURCE, resolveDir: repo, sourcefile: 'release-entry.mjs', loader: 'js' },
    absWorkingDir: repo,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    splitting: true,
    outdir,
    entryNames: 'ebs-autoscale',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    // The workspace packages' TypeScript sources (no `pnpm build` needed), and the SDK's ES modules,
    // which tree-shake where its CommonJS builds do not. esbuild adds `module` by itself only when no
    // conditions are given; without it, the `node` entry (listed after `module` in @smithy/core's and
    // @aws-sdk/core's export maps) won, and their whole CommonJS submodules were bundled: 400 kB on
    // the agent's path.
    conditions: ['source', 'module'],
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_SHIM },
    // Native addons cannot be bundled, and none is needed: ssh2 (under dockerode, for the Docker
    // reclaimer) loads cpu-features and its own sshcrypto.node inside try/catch and falls back to
    // JavaScript when they are missing, as they are in the artifact. The reclaimer only speaks to a unix
    // socket, so the SSH code never runs anyway.
    external: ['cpu-features', '*.node'],
    // Whitespace and syntax only: identifiers stay, so a stack trace from a host still reads. Renaming
    // them too saved 1 MiB of the idle agent's 77 (bench:footprint), not worth unreadable traces.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    plugins: [sdkSchemasPlugin, builtinRequirePlugin],
    metafile: true,
    write: false,
    logLevel: 'silent',
  }).catch((error) => {
    throw releaseError('bundle', `esbuild failed: ${error.message}`, error);
  });
  const files = result.outputFiles.map((file) => ({ path: file.path.slice(outdir.length + 1), contents: file.contents }));
  const leaked = agentPathInputs(result.metafile).filter((input) => input.startsWith('packages/ec2-sim/'));
  if (leaked.length > 0) throw releaseError('bundle', `the simulator is on the agent's path (${leaked[0]}): import it only from the demo command`);
  return { files, metafile: result.metafile };
}

/**
 * The inputs that the entry and every command but `demo` load: the static-import closure of their chunks.
 * @param {import('esbuild').Metafile} metafile
 */
export function agentPathInputs(metafile) {
  // Outputs with an entryPoint are the entry and the dynamically imported modules; the rest are shared chunks.
  const stack = Object.entries(metafile.outputs)
    .filter(([, output]) => output.entryPoint !== undefined && !output.entryPoint.endsWith('cli/demo-command.ts'))
    .map(([path]) => path);
  const seen = new Set();
  while (stack.length > 0) {
    const path = stack.pop();
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? []) if (imported.kind === 'import-statement' && !imported.external) stack.push(imported.path);
  }
  return [...seen].flatMap((path) => Object.keys(metafile.outputs[path].inputs));
}
