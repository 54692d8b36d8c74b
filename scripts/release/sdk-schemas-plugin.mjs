// Lets esbuild tree-shake the AWS SDK's schemas. Since 2025 every SDK v3 client describes its shapes
// in one `schemas/schemas_0.js` (client-ec2's: 550 kB, every EC2 action), as top-level arrays such as
// `[1, { [_xN]: _m }]`. esbuild counts a computed key `[_xN]` as a possible side effect (a key is
// converted with toString), so it kept every schema, used or not. Replacing each computed key that
// names one of the file's own `const _x = "…"` strings by that string makes the arrays pure, and
// client-ec2's share of the bundle fell from 870 kB to 41 kB (measured on 3.1169.0).
import { readFile } from 'node:fs/promises';

const SCHEMAS = /[\\/]@aws-sdk[\\/].+[\\/]schemas[\\/]schemas_\d+\.js$/;

/** @type {import('esbuild').Plugin} */
export const sdkSchemasPlugin = {
  name: 'ebs-autoscale-sdk-schemas',
  setup(build) {
    build.onLoad({ filter: SCHEMAS }, async (args) => ({ contents: literalKeys(await readFile(args.path, 'utf8')), loader: 'js' }));
  },
};

/** @param {string} source */
export function literalKeys(source) {
  const strings = new Map([...source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)].map((match) => [match[1], match[2]]));
  return source.replace(/\[(_\w+)\]:/g, (whole, name) => (strings.has(name) ? `${strings.get(name)}:` : whole));
}
