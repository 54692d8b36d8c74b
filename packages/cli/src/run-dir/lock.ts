import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EbsAutoscaleError } from '@ebs-autoscale/core';
import { boundedName, escapeSystemdPath } from '../systemd/systemd-escape.js';
import { unitNameFor } from '../systemd/unit-names.js';
import { ensureRunDir } from './run-dir.js';

/** Where locks and status files live: tmpfs, so a reboot clears them. */
export const DEFAULT_RUN_DIR = '/run/ebs-autoscale';

/** Options of {@link acquireMountLock}. */
export interface MountLockOptions {
  /** Directory of the lock files. Default {@link DEFAULT_RUN_DIR}. */
  dir?: string;
  /** This process's id. Default `process.pid`. */
  pid?: number;
  /** Whether a process with this id is alive. Default: `kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
}

/** A held lock; `release()` removes it (only while it is still ours). */
export interface MountLock {
  readonly path: string;
  release(): Promise<void>;
}

/** File names end at 255 bytes (NAME_MAX); escaped names are ASCII, so characters are bytes. */
const NAME_MAX = 255;

/**
 * The lock file's name for a (canonical) mount point: `/var/lib/docker` → `var-lib-docker.lock`, the
 * path escaped as systemd escapes it, so the lock, the status file and the unit share one name.
 */
export function lockFileName(mountPoint: string, suffix = 'lock'): string {
  return `${boundedName(escapeSystemdPath(mountPoint), NAME_MAX - suffix.length - 1)}.${suffix}`;
}

/**
 * Takes the one-agent-per-mount-point lock: a file holding our PID, created exclusively. A lock whose
 * PID is no longer running is stale (the agent was killed) and is taken over; a live one is refused
 * with a message naming the PID.
 */
export async function acquireMountLock(mountPoint: string, options: MountLockOptions = {}): Promise<MountLock> {
  const dir = options.dir ?? DEFAULT_RUN_DIR;
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? processIsAlive;
  const path = join(dir, lockFileName(mountPoint));
  await ensureRunDir(dir);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o644);
      await handle.writeFile(`${pid}\n`);
      await handle.close();
      return { path, release: () => releaseIfOurs(path, pid) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readPid(path);
    if (holder !== undefined && holder !== pid && isAlive(holder)) {
      throw new EbsAutoscaleError('lock', 'DEVICE_IN_USE', `Another ebs-autoscale agent (PID ${holder}) already manages ${mountPoint}.`, {
        hint: `Stop it first (systemctl stop ${unitNameFor(mountPoint)}, or kill ${holder}); its lock is ${path}.`,
      });
    }
    // Stale: the holder died without cleaning up, or the file is unreadable garbage. Remove and retry;
    // the exclusive create above still decides between two agents racing for the same stale lock.
    await unlink(path).catch(() => undefined);
  }
  throw new EbsAutoscaleError('lock', 'DEVICE_IN_USE', `Could not take the lock ${path} for ${mountPoint}.`, {
    hint: 'Another agent is starting at the same moment; try again.',
  });
}

/** The PID in a lock file, when it holds one. */
export async function readPid(path: string): Promise<number | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** `kill(pid, 0)`: delivers nothing, only asks whether the process exists (EPERM means it does). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseIfOurs(path: string, pid: number): Promise<void> {
  if ((await readPid(path)) === pid) await unlink(path).catch(() => undefined);
}
