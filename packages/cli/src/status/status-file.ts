import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AutoscalerStatus } from '@ebs-autoscale/core';
import { DEFAULT_RUN_DIR, lockFileName, processIsAlive } from '../agent/lock.js';

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
 */
export async function writeStatusReport(path: string, report: StatusReport): Promise<void> {
  const temporary = `${path}.${report.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o644 });
  await rename(temporary, path);
}

/** Reads a status report, and whether the agent that wrote it is still running. */
export async function readStatusReport(path: string, isAlive: (pid: number) => boolean = processIsAlive): Promise<{ report: StatusReport; running: boolean } | undefined> {
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
