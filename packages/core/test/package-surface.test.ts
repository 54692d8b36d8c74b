import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { publint } from 'publint';
import { describe, expect, it } from 'vitest';

// Every package's published surface: the exports map passes publint (strict), each export's built
// file and its .d.ts exist, and the ESM entry loads. This reads dist/, so it needs `pnpm build` first
// (.ci/run builds before testing); without a build it fails and says so rather than skipping.
const root = join(import.meta.dirname, '..', '..');
const packages = readdirSync(root).filter((name) => existsSync(join(root, name, 'package.json')));

describe.each(packages)('package %s', (name) => {
  const dir = join(root, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string;
    engines?: { node?: string };
    exports?: Record<string, string | { types?: string; default?: string }>;
  };

  it('declares engines.node >= 22 and an exports map', () => {
    expect(manifest.engines?.node).toBe('>=22');
    expect(manifest.exports).toBeTypeOf('object');
  });

  it('builds every export to ESM with a .d.ts, and the entry loads', async () => {
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target === 'string') continue;
      for (const file of [target.types, target.default]) {
        expect(file, `${manifest.name} exports["${subpath}"]`).toBeDefined();
        expect(existsSync(join(dir, file!)), `${join(name, file!)} is missing: run \`pnpm build\` first`).toBe(true);
      }
    }
    const main = manifest.exports?.['.'];
    if (main && typeof main !== 'string' && main.default) {
      const loaded = (await import(pathToFileURL(join(dir, main.default)).href)) as Record<string, unknown>;
      expect(Object.keys(loaded).length).toBeGreaterThan(0);
    }
  });

  it('passes publint --strict', async () => {
    const { messages } = await publint({ pkgDir: dir, strict: true, level: 'warning' });
    expect(messages.map((m) => `${m.code} ${JSON.stringify(m.args)}`)).toEqual([]);
  });
});
