import { findMountAt } from './mount-lookup.js';
import type { MountEntry } from './mountinfo.js';

/**
 * Whether writes to this mount fail with EROFS. Either set of flags can say so: the per-mount ones
 * (`mount -o remount,bind,ro` makes one mount read-only over a writable superblock) and the
 * superblock's (`mount -o remount,ro`, or the kernel's own remount after a filesystem error:
 * ext4's `errors=remount-ro`, btrfs aborting a transaction).
 *
 * @example
 * ```ts
 * const mount = await findMountAt(await readMounts(), '/scratch');
 * if (mount && isReadOnlyMount(mount)) console.warn('/scratch went read-only');
 * ```
 */
export function isReadOnlyMount(mount: Pick<MountEntry, 'options' | 'mountOptions'>): boolean {
  return hasFlag(mount.mountOptions, 'ro') || hasFlag(mount.options, 'ro');
}

function hasFlag(options: string, flag: string): boolean {
  return options.split(',').includes(flag);
}

/**
 * Whether the mount visible at `mountPoint` is read-only ({@link isReadOnlyMount}); false when nothing
 * is mounted there, which the drivers report on their own. What a driver's `usage()` puts in
 * `readOnly`, so every driver reads it the same way.
 */
export async function isReadOnlyAt(mounts: readonly MountEntry[], mountPoint: string): Promise<boolean> {
  const mount = await findMountAt(mounts, mountPoint);
  return mount !== undefined && isReadOnlyMount(mount);
}
