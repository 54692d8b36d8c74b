import { chmod, chown, lstat, readFile, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EbsAutoscaleError } from '@ebs-autoscale/core';
import { boundedName, escapeSystemdPath } from '../systemd/systemd-escape.js';

// sun_path holds 108 bytes with its terminating NUL: a longer socket path cannot be bound at all.
const SUN_PATH_MAX = 107;

/**
 * The directory of the reservation API's sockets: `<run dir>/api`, apart from the locks and status
 * files, so that it alone is what a job's container mounts (a container given the whole run directory
 * could remove a lock or plant a file there).
 */
export function reservationSocketDir(runDir: string): string {
  return join(runDir, 'api');
}

/**
 * The reservation API's socket for a (canonical) mount point: `/scratch` → `<run dir>/api/scratch.sock`,
 * named as the lock and the status file are, shortened to fit a unix socket address.
 */
export function reservationSocketPath(mountPoint: string, runDir: string): string {
  const dir = reservationSocketDir(runDir);
  const room = SUN_PATH_MAX - dir.length - 1 - '.sock'.length;
  if (room < 16) {
    throw new EbsAutoscaleError('api', 'INVALID_ARGUMENT', `The run directory ${runDir} is too long for a unix socket path (${SUN_PATH_MAX} bytes at most).`, {
      hint: 'Use a shorter --run-dir.',
    });
  }
  return join(dir, `${boundedName(escapeSystemdPath(mountPoint), room)}.sock`);
}

/** A group name or number as a gid, read from /etc/group (no process spawned for it). */
export async function resolveGroup(group: string | number, groupFile = '/etc/group'): Promise<number> {
  if (typeof group === 'number' || /^\d+$/.test(group)) return Number(group);
  const lines = await readFile(groupFile, 'utf8').catch(() => '');
  for (const line of lines.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new EbsAutoscaleError('api', 'INVALID_ARGUMENT', `There is no group "${group}" on this host (${groupFile}).`, {
    hint: 'Create it (groupadd) or set reservations.group to an existing one.',
  });
}

/**
 * Removes a socket a killed agent left at this path, and refuses anything else there. Only the holder
 * of the mount point's lock calls this, so no live agent listens on it.
 */
export async function clearStaleSocket(path: string): Promise<void> {
  const existing = await lstat(path).catch(() => undefined);
  if (!existing) return;
  if (!existing.isSocket()) {
    throw new EbsAutoscaleError('api', 'INVALID_ARGUMENT', `${path} exists and is not a socket; refusing to replace it.`, {
      hint: `Remove ${path} if nothing needs it.`,
    });
  }
  await unlink(path);
}

/**
 * Gives the socket mode 0660 and, with a group, that group: its members may reserve, others may not
 * even connect. They must also reach it, so the directories on the way (the run directory, 0750, and
 * its api directory, 0750) take the group too; the run directory's files are the status reports
 * (0644 already) and the locks.
 */
export async function restrictSocket(path: string, runDir: string, gid: number | undefined): Promise<void> {
  await chmod(path, 0o660);
  if (gid === undefined) return;
  await chown(path, 0, gid);
  for (const dir of [runDir, dirname(path)]) {
    const info = await stat(dir);
    if (info.gid !== gid) await chown(dir, info.uid, gid);
  }
}
