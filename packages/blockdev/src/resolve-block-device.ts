import { realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { DriverError } from '@ebs-autoscale/core';
import { formatDeviceNumber } from './device-number.js';

/** A device path resolved to its node, with the kernel's name for it (`loop3`, `nvme1n1`). */
export interface ResolvedDevice {
  /** The device node after following symlinks such as `/dev/disk/by-id/…` (e.g. `/dev/nvme1n1`). */
  readonly path: string;
  /** The kernel's name: the node's file name, which is also its directory under `/sys/class/block`. */
  readonly name: string;
  /** `major:minor`, as mountinfo reports the device of a mount. */
  readonly majorMinor: string;
}

/**
 * Resolves `device` (following `/dev/disk/by-id` links) and checks it is a block device, or throws a
 * {@link DriverError} `NOT_A_BLOCK_DEVICE` in the name of `driver`. A missing path and a regular file
 * (an image instead of its loop device) both land here.
 *
 * @param driver - The driver name the error is reported under (`btrfs`, `ext4-static`, …).
 * @param device - The path the caller was given.
 */
export async function resolveBlockDevice(driver: string, device: string): Promise<ResolvedDevice> {
  try {
    const path = await realpath(device);
    const info = await stat(path);
    if (info.isBlockDevice()) return { path, name: basename(path), majorMinor: formatDeviceNumber(info.rdev) };
  } catch (error) {
    throw new DriverError(driver, 'NOT_A_BLOCK_DEVICE', `${device} does not exist.`, {
      device,
      cause: error,
      hint: 'Pass the block device path the provisioner reported (e.g. /dev/nvme1n1), after it appeared.',
    });
  }
  throw new DriverError(driver, 'NOT_A_BLOCK_DEVICE', `${device} is not a block device.`, {
    device,
    hint: 'Pass a block device such as /dev/nvme1n1; for an image file, attach it with `losetup` first.',
  });
}
