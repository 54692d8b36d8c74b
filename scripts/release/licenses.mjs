// THIRD-PARTY-LICENSES: the licence text of every package esbuild put into the bundle (from its
// metafile's inputs, so nothing bundled is missed and nothing unbundled is listed), and Node's own.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { releaseError } from './release-error.mjs';

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i;

/**
 * @param {{ repo: string, metafile: import('esbuild').Metafile, nodeLicense: string, nodeVersion: string }} options
 */
export function thirdPartyLicenses({ repo, metafile, nodeLicense, nodeVersion }) {
  const packages = new Map();
  for (const input of bundledInputs(metafile)) {
    const dir = packageDirOf(input);
    if (dir && !packages.has(dir)) packages.set(dir, describe(join(repo, dir)));
  }
  const sections = [...packages.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version)).map(section);
  sections.push(`## node ${nodeVersion}\n\nThe Node.js runtime in node/bin/node.\n\n${nodeLicense.trim()}\n`);
  return `Third-party software in this artifact. The ebs-autoscale code itself is Apache-2.0.\n\n${sections.join('\n')}`;
}

/** The inputs with code in some output: a package that tree-shaking dropped entirely is not shipped. */
export function bundledInputs(metafile) {
  const inputs = new Set();
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) if (bytesInOutput > 0) inputs.add(input);
  return [...inputs].sort();
}

/** `node_modules/.pnpm/x@1/node_modules/@scope/name/dist/a.js` → `node_modules/.pnpm/x@1/node_modules/@scope/name`. */
export function packageDirOf(input) {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const rest = input.slice(at + 'node_modules/'.length).split('/');
  const name = rest[0].startsWith('@') ? rest.slice(0, 2) : rest.slice(0, 1);
  return input.slice(0, at) + 'node_modules/' + name.join('/');
}

function describe(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const files = readdirSync(dir)
    .filter((file) => LICENSE_FILE.test(file))
    .sort();
  const texts = files.map((file) => readFileSync(join(dir, file), 'utf8').trim());
  const license = typeof manifest.license === 'string' ? manifest.license : manifest.license?.type;
  if (texts.length === 0 && !license)
    throw releaseError('licenses', `${manifest.name}@${manifest.version} has neither a licence file nor a "license" field: check its terms before shipping it`);
  return { name: manifest.name, version: manifest.version, license: license ?? 'see text', texts, homepage: homepageOf(manifest) };
}

function homepageOf(manifest) {
  const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  return manifest.homepage ?? repository ?? '';
}

function section({ name, version, license, texts, homepage }) {
  const body = texts.length > 0 ? texts.join('\n\n') : `(The package ships no licence file; its package.json declares ${license}.)`;
  return `## ${name} ${version} (${license})${homepage ? `\n\n${homepage}` : ''}\n\n${body}\n`;
}
