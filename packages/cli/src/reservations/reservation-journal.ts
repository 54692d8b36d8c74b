import { lockFileName } from '../run-dir/lock.js';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { ReservationInfo } from '@ebs-autoscale/core';
import type { ProcessIdentity } from './process-identity.js';

/** One reservation as the journal keeps it across an agent restart. */
export interface JournalEntry extends ReservationInfo {
  /** The process it is tied to, when one was given. */
  readonly process?: ProcessIdentity;
  /** Still waiting, for a client that waits on its connection; a restart closes that, so it is dropped. */
  readonly waitingOnClient?: boolean;
}

/**
 * The reservations of one mount point, in the run directory, so an agent restart (an upgrade, a crash
 * and systemd's restart) does not drop what a running job reserved: the job does not know the agent
 * restarted and would not reserve again, and its writes would then meet a filesystem that no longer
 * grows for them. The run directory is a tmpfs, so a reboot, which ends every job, clears it.
 */
export class ReservationJournal {
  constructor(readonly path: string) {}

  async read(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const json = JSON.parse(text) as { reservations?: JournalEntry[] };
    return Array.isArray(json.reservations) ? json.reservations : [];
  }

  /**
   * Replaces the file atomically: a random temporary name created exclusively without following a
   * link (O_CREAT|O_EXCL|O_NOFOLLOW), then rename, as the status file is written, so neither a reader
   * nor a planted symlink ever sees half a file.
   */
  async write(entries: readonly JournalEntry[]): Promise<void> {
    const temporary = `${this.path}.${randomBytes(8).toString('hex')}.tmp`;
    const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o640);
    try {
      await handle.writeFile(`${JSON.stringify({ reservations: entries }, null, 2)}\n`);
    } finally {
      await handle.close();
    }
    await rename(temporary, this.path).catch(async (error: unknown) => {
      await unlink(temporary).catch(() => undefined);
      throw error;
    });
  }
}

/**
 * Where a mount point's reservations are kept between runs of its agent: beside its lock in the run
 * directory, under the same name. The agent and uninstall (which removes it) both take it from here.
 */
export function reservationJournalPath(mountPoint: string, runDir: string): string {
  return join(runDir, lockFileName(mountPoint, 'reservations.json'));
}
