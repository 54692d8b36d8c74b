// The release's tar writer, read back by GNU tar: what a host unpacks must be what was written, and the
// same files give the same bytes whatever their order (the reproducible-build half that is pure logic).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTarGz, type TarEntry } from '../../../scripts/release/tar-writer.mjs';
import { literalKeys } from '../../../scripts/release/sdk-schemas-plugin.mjs';

const work = mkdtempSync(join(tmpdir(), 'ebs-autoscale-tar-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let serial = 0;

/** Writes `entries`, unpacks them with GNU tar into a fresh directory, and returns the archive and that directory. */
async function roundTrip(entries: TarEntry[], mtime = 1_700_000_000) {
  const id = (serial += 1);
  const file = join(work, `${id}.tar.gz`);
  await writeTarGz(file, entries, { mtime });
  const dir = join(work, `${id}`);
  mkdirSync(dir);
  execFileSync('tar', ['-xzf', file, '-C', dir]);
  return { bytes: readFileSync(file), dir, listing: execFileSync('tar', ['-tvzf', file, '--numeric-owner', '--full-time'], { encoding: 'utf8' }) };
}

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,40}$/).filter((name) => name !== '.' && name !== '..');
const filePath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/'));

describe('writeTarGz (read back by GNU tar)', () => {
  it('unpacks every file with its contents and mode, owned by 0/0 at one mtime', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ path: filePath, contents: fc.uint8Array({ maxLength: 2000 }), executable: fc.boolean() }), {
          selector: (file) => file.path,
          minLength: 1,
          maxLength: 6,
        }),
        async (files) => {
          // A path that is also a file's parent directory cannot be both: keep the leaves.
          const leaves = files.filter((file) => !files.some((other) => other.path.startsWith(`${file.path}/`)));
          const { dir, listing } = await roundTrip(leaves.map((file) => ({ path: file.path, mode: file.executable ? 0o755 : 0o644, contents: file.contents })));
          for (const file of leaves) {
            expect(readFileSync(join(dir, file.path))).toEqual(Buffer.from(file.contents));
            expect(statSync(join(dir, file.path)).mode & 0o777).toBe(file.executable ? 0o755 : 0o644);
          }
          for (const line of listing.trim().split('\n')) expect(line.split(/\s+/)[1]).toBe('0/0');
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps a path over 100 bytes (ustar prefix) and directories', async () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(80)}.mjs`;
    const { dir, listing } = await roundTrip([
      { path: 'top', mode: 0o755 },
      { path: `top/${long}`, mode: 0o644, contents: 'x' },
    ]);
    expect(readFileSync(join(dir, 'top', long), 'utf8')).toBe('x');
    expect(listing).toMatch(/^drwxr-xr-x 0\/0 .* 2023-11-14 22:13:20 top\/$/m);
  });

  it('gives the same bytes for the same files in any order', async () => {
    const entries: TarEntry[] = [
      { path: 'a/b', mode: 0o644, contents: 'one' },
      { path: 'a', mode: 0o755 },
      { path: 'a/c', mode: 0o755, contents: new Uint8Array([1, 2, 3]) },
    ];
    const [forward, backward] = [await roundTrip(entries), await roundTrip([...entries].reverse())];
    expect(backward.bytes.equals(forward.bytes)).toBe(true);
  });
});

describe('literalKeys (the SDK schema rewrite that lets esbuild tree-shake)', () => {
  it("replaces a computed key naming one of the file's string constants, and nothing else", () => {
    const source = 'const _xN = "xmlName";\nconst n0 = "com.amazonaws.ec2";\nexport var A$ = [3, n0, _A, 0, [_M], [[1, { [_xN]: _m, [other]: 1 }]]];\n';
    expect(literalKeys(source)).toBe(source.replace('[_xN]:', '"xmlName":'));
  });
});
