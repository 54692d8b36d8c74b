import { chmod, lstat, mkdir } from 'node:fs/promises';
import { EbsAutoscaleError } from '@ebs-autoscale/core';

/**
 * Makes sure the run directory (locks, status files) exists as a real directory: created 0750
 * (root and its group read the status; nobody else writes there), and refused when it is a symlink or
 * not a directory, since every later write there would follow the link wherever it was planted.
 */
export async function ensureRunDir(dir: string): Promise<void> {
  const existing = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing === undefined) {
    await mkdir(dir, { recursive: true, mode: 0o750 });
    // mkdir's mode passes through the umask; the directory we just made gets exactly 0750.
    await chmod(dir, 0o750);
    return;
  }
  if (existing.isSymbolicLink() || !existing.isDirectory()) {
    throw new EbsAutoscaleError(
      'agent',
      'INVALID_ARGUMENT',
      `The run directory ${dir} is ${existing.isSymbolicLink() ? 'a symlink' : 'not a directory'}; refusing to write locks or status there.`,
      {
        hint: `Remove ${dir} (it holds nothing that survives a reboot) or pass --run-dir with a real directory.`,
      },
    );
  }
}
