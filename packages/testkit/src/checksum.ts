import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Relative path → sha256 (hex) of every regular file under a directory. */
export type TreeChecksums = Record<string, string>;

/**
 * The sha256 of every regular file under `dir`, keyed by relative path (sorted). Compare two results
 * with `toEqual` to prove data survived an operation byte for byte.
 */
export async function checksumTree(dir: string): Promise<TreeChecksums> {
  const result: TreeChecksums = {};
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile())
        result[relative(dir, path)] = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
    }
  };
  await walk(dir);
  return result;
}

/**
 * Writes `count` files of `sizeBytes` random bytes into `dir` (created if missing), named
 * `file-0000.bin`…, and returns their paths. Random data defeats compression, so the bytes really land.
 */
export async function writeRandomFiles(dir: string, count: number, sizeBytes: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const path = join(dir, `file-${String(index).padStart(4, '0')}.bin`);
    await writeFile(path, randomBytes(sizeBytes));
    paths.push(path);
  }
  return paths;
}
