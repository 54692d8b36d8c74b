import { readMounts, resolveBlockDevice, type MountEntry } from '@ebs-autoscale/blockdev';

/**
 * The mounts of `device` (matched by path or by `major:minor` of its block node), or every mount when no
 * device is given. Reads `/proc/self/mountinfo`: no process spawned.
 */
export async function findMounts(device?: string, mountInfoPath = '/proc/self/mountinfo'): Promise<MountEntry[]> {
  const entries = await readMounts(mountInfoPath);
  if (device === undefined) return entries;
  // A missing device (or one that is not a block device) has no mounts by number, only by its path.
  const majorMinor = (await resolveBlockDevice('testkit', device).catch(() => undefined))?.majorMinor;
  return entries.filter((entry) => entry.source === device || (majorMinor !== undefined && entry.majorMinor === majorMinor));
}
