import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

// sysfs records block-device stacking both ways: /sys/class/block/<name>/holders lists the devices
// built on top of <name> (dm-0 for an LVM PV, md0 for a RAID member), and …/slaves lists what a
// stacked device is built from. Reading them costs no process and sees what blkid's signatures miss
// (a device-mapper table over a device with no LVM label, for one).

function listBlockDir(sysRoot: string, name: string, dir: 'holders' | 'slaves'): Promise<string[]> {
  // A missing directory means the kernel knows no such device or it stacks nothing: no names either way.
  return readdir(join(sysRoot, 'class', 'block', name, dir)).catch(() => []);
}

/**
 * Kernel names of the devices that hold `name` (device-mapper, md RAID): a device with holders is in
 * use even when it carries no signature we recognise.
 *
 * @param sysRoot - Where sysfs is mounted: `/sys`, or a fake tree in tests.
 * @param name - The kernel name of the device (`nvme1n1`, `loop3`), as in `ResolvedDevice.name`.
 */
export async function holdersOf(sysRoot: string, name: string): Promise<string[]> {
  return listBlockDir(sysRoot, name, 'holders');
}

/**
 * Kernel names of the devices a stacked device is built from (`members` of `dm-0` are its LVM PVs or
 * the members of an md array): the inverse of {@link holdersOf}. Empty for a plain disk.
 *
 * @param sysRoot - Where sysfs is mounted: `/sys`, or a fake tree in tests.
 * @param name - The kernel name of the stacked device (`dm-0`, `md0`).
 */
export async function membersOf(sysRoot: string, name: string): Promise<string[]> {
  return listBlockDir(sysRoot, name, 'slaves');
}
