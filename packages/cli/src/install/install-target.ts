import { lstat, readdir, realpath } from 'node:fs/promises';
import { findMountAt, MOUNTINFO_PATH, readMounts, type MountEntry } from '@ebs-autoscale/blockdev';
import { EbsAutoscaleError } from '@ebs-autoscale/core';
import type { ResolvedDriver } from '../host/prerequisites.js';

/**
 * What install found at the mount point: nothing yet (`absent`, created by the driver), a directory
 * (`empty`, or `non-empty`, whose files the new filesystem will hide), or our filesystem from an
 * earlier install (`ours`: a rerun, nothing to create).
 */
export type InstallTarget = 'absent' | 'empty' | 'non-empty' | 'ours';

/**
 * Looks at the (canonical) mount point before install creates anything, and refuses what would go
 * wrong only after a volume was bought: a regular file or other non-directory there (mkdir fails with
 * EEXIST, leaving an attached empty volume), or another filesystem already mounted there (the root,
 * tmpfs, someone's ext4: the agent would fail at every start). Ours is the driver's filesystem type,
 * and for LVM its logical volume.
 */
export async function inspectInstallTarget(mountPoint: string, driver: ResolvedDriver, mountInfoPath = MOUNTINFO_PATH): Promise<InstallTarget> {
  const stats = await lstat(mountPoint).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ENOTDIR')
      throw refuse(mountPoint, 'lies under something that is not a directory', 'Choose a mount point whose parent directories are directories.');
    throw error;
  });
  if (stats === undefined) return 'absent';
  if (!stats.isDirectory()) {
    const what = stats.isSymbolicLink() ? 'a symlink to something that does not exist' : stats.isFile() ? 'a regular file' : 'not a directory';
    throw refuse(mountPoint, `is ${what}, and a filesystem can only be mounted on a directory`, `Remove or move ${mountPoint}, or choose another mount point.`);
  }
  const mount = await findMountAt(await readMounts(mountInfoPath), mountPoint);
  if (mount) {
    if (await isOurs(mount, driver)) return 'ours';
    throw refuse(
      mountPoint,
      `already has another filesystem mounted: ${mount.fsType} from ${mount.source}${mountPoint === '/' ? ' (the root filesystem)' : ''}`,
      `Choose another mount point, or unmount ${mountPoint} first if what is mounted there is really unused.`,
    );
  }
  return (await readdir(mountPoint)).length === 0 ? 'empty' : 'non-empty';
}

async function isOurs(mount: MountEntry, driver: ResolvedDriver): Promise<boolean> {
  if (driver.kind === 'btrfs') return mount.fsType === 'btrfs';
  if (driver.kind === 'ext4-static') return mount.fsType === 'ext4';
  if (mount.fsType !== driver.filesystem) return false;
  // LVM's mount source is /dev/mapper/<vg>-<lv>; /dev/<vg>/<lv> links to the same dm node.
  const [source, lv] = await Promise.all([
    realpath(mount.source).catch(() => mount.source),
    realpath(`/dev/${driver.volumeGroup}/${driver.logicalVolume}`).catch(() => undefined),
  ]);
  return source === lv;
}

function refuse(mountPoint: string, problem: string, hint: string): EbsAutoscaleError {
  return new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `The mount point ${mountPoint} ${problem}; nothing was created.`, { hint });
}
