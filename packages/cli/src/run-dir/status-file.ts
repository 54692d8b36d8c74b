import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AutoscalerStatus } from '@ebs-autoscale/core';
import { DEFAULT_RUN_DIR, lockFileName, processIsAlive } from './lock.js';
import { ensureRunDir } from './run-dir.js';

/** What a running agent publishes for `ebs-autoscale status`. */
export interface StatusReport {
  readonly pid: number;
  /** When it was written, ms since the epoch. */
  readonly writtenAt: number;
  readonly status: AutoscalerStatus;
}

/** The status file of a mount point, beside its lock. */
export function statusFilePath(mountPoint: string, dir: string = DEFAULT_RUN_DIR): string {
  return join(dir, lockFileName(mountPoint, 'status.json'));
}

/**
 * Writes a status report atomically (write then rename), so a reader never sees half a file. A file
 * rather than a socket: `status` then works without the agent's cooperation, even while it is busy.
 * The temporary file has a random name and is created exclusively without following a symlink
 * (O_CREAT|O_EXCL|O_NOFOLLOW), and rename replaces a link planted at the final name rather than
 * writing through it: a symlink planted in the run directory never gets its target overwritten.
 */
export async function writeStatusReport(path: string, report: StatusReport): Promise<void> {
  await ensureRunDir(dirname(path));
  const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  await rename(temporary, path).catch(async (error: unknown) => {
    await unlink(temporary).catch(() => undefined);
    throw error;
  });
}

/** Reads a status report, and whether the agent that wrote it is still running. */
export async function readStatusReport(
  path: string,
  isAlive: (pid: number) => boolean = processIsAlive,
): Promise<{ report: StatusReport; running: boolean } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const report = JSON.parse(text) as StatusReport;
  return { report, running: isAlive(report.pid) };
}
