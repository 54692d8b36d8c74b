// Lets Node run the workspace's TypeScript sources directly: they import siblings as `./x.js` (the
// NodeNext convention, so the built output works), and Node's type stripping does not rewrite that
// suffix. This resolve hook retries a missing relative `.js` as `.ts`. No dependency needed. Used with
// `--experimental-transform-types --conditions=source` by the benchmarks (bench/package.json, also inside
// the VM) and by the tests that spawn a package's bin from its sources.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.startsWith('.') || !specifier.endsWith('.js')) throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
