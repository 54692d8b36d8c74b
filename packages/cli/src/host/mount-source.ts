import { findMountAt, MOUNTINFO_PATH, readMounts } from '@ebs-autoscale/blockdev';

/**
 * The device mounted at `mountPoint`, from the kernel's mount table, or undefined when nothing is
 * mounted there. `run` starts on a filesystem `install` made, so it asks the kernel rather than the
 * configuration which device that was (device names change between boots on Nitro).
 */
export async function mountSource(mountPoint: string, mountInfoPath = MOUNTINFO_PATH): Promise<string | undefined> {
  return (await findMountAt(await readMounts(mountInfoPath), mountPoint))?.source;
}

/** The filesystem type mounted at `mountPoint` (`btrfs`, `ext4`, `xfs`), or undefined when nothing is. */
export async function mountFilesystemType(mountPoint: string, mountInfoPath = MOUNTINFO_PATH): Promise<string | undefined> {
  return (await findMountAt(await readMounts(mountInfoPath), mountPoint))?.fsType;
}
