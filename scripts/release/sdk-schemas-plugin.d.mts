// Types of sdk-schemas-plugin.mjs, for its test.
import type { Plugin } from 'esbuild';

export const sdkSchemasPlugin: Plugin;
/** Replaces each computed key `[_x]:` naming a `const _x = "…"` of the same source by that string. */
export function literalKeys(source: string): string;
