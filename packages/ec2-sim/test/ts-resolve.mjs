// Lets `node` run the package's TypeScript sources directly (for the bin test): relative `.js`
// imports resolve to the `.ts` file beside them, as the TypeScript compiler resolves them.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      throw error;
    }
  },
});
