import { readFile, rename, writeFile } from 'node:fs/promises';

/**
 * Removes the fstab lines that mount something at `mountPoint`; returns how many. Written beside and
 * renamed, like `ensureFstabEntry`, so a crash never leaves half an fstab. A missing file is no lines.
 */
export async function removeFstabEntries(path: string, mountPoint: string): Promise<number> {
  const current = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (current === undefined) return 0;
  const escaped = mountPoint.replace(/[\s\\]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);
  const lines = current.split('\n');
  const kept = lines.filter((line) => line.trim().startsWith('#') || line.trim().split(/\s+/)[1] !== escaped);
  const removed = lines.length - kept.length;
  if (removed === 0) return 0;
  await writeFile(`${path}.ebs-autoscale.tmp`, kept.join('\n'), { mode: 0o644 });
  await rename(`${path}.ebs-autoscale.tmp`, path);
  return removed;
}
