import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DriverError } from '@ebs-autoscale/core';
import { resolveBlockDevice } from './resolve-block-device.js';

// Why by device number and not by name: the name a caller holds (`/dev/nvme2n1`, a `/dev/disk/by-id`
// link, a sandbox entry, a container's own /dev) and the name the kernel lists a member under can
// differ, but `major:minor` is the kernel's identity of the device. `/sys/dev/block/<major:minor>` is
// the device's sysfs entry whatever it is called.

/**
 * Whether `device` could hold a filesystem whose member devices have the numbers in `members`
 * (`major:minor`): it is one of them, one of its partitions is, or anything is stacked on it or on a
 * partition (holders: device-mapper, md), which could be that filesystem. Every driver's
 * `holdsDevice()` answers through here.
 *
 * Throws a {@link DriverError} (`NOT_A_BLOCK_DEVICE`, `DEVICE_NOT_FOUND`) when the device cannot be
 * seen, so that nobody mistakes "cannot tell" for "no".
 *
 * @param driver - The driver name errors are reported under.
 * @param sysRoot - Where sysfs is mounted: `/sys`, or a sandbox.
 * @param device - The device path the provisioner reported.
 * @param members - `major:minor` of each member, as the kernel reports them.
 */
export async function deviceBacksMembers(driver: string, sysRoot: string, device: string, members: ReadonlySet<string>): Promise<boolean> {
  const resolved = await resolveBlockDevice(driver, device);
  if (members.has(resolved.majorMinor)) return true;
  const entry = join(sysRoot, 'dev', 'block', resolved.majorMinor);
  const children = await readdir(entry).catch((error: unknown) => {
    throw new DriverError(
      driver,
      'DEVICE_NOT_FOUND',
      `${device} (${resolved.majorMinor}) has no entry under ${join(sysRoot, 'dev', 'block')}, so what it holds cannot be read.`,
      {
        device,
        cause: error,
        hint: 'Check that sysfs is mounted at the sys root the agent was given.',
      },
    );
  });
  if ((await readdir(join(entry, 'holders')).catch(() => [])).length > 0) return true;
  for (const child of children) {
    const partition = join(entry, child);
    if (
      !(await stat(join(partition, 'partition')).then(
        () => true,
        () => false,
      ))
    )
      continue;
    if (members.has(await readDeviceNumber(partition))) return true;
    if ((await readdir(join(partition, 'holders')).catch(() => [])).length > 0) return true;
  }
  return false;
}

/**
 * The `major:minor` in a sysfs block-device directory's `dev` file (`/sys/class/block/loop3`, or a
 * btrfs member's `/sys/fs/btrfs/<UUID>/devices/loop3`, which links there).
 */
export async function readDeviceNumber(sysfsDir: string): Promise<string> {
  return (await readFile(join(sysfsDir, 'dev'), 'utf8')).trim();
}
