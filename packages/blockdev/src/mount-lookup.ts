import { realpath } from 'node:fs/promises';
import type { MountEntry } from './mountinfo.js';
import type { ResolvedDevice } from './resolve-block-device.js';

/**
 * Whether `mount` is a mount of `device`: by `major:minor`, or by its source resolved through symlinks.
 * Both, because btrfs mounts carry an anonymous `0:N` (only the source names the device) and a source
 * may be a `/dev/disk/by-*` link. Sources that are not paths (`tmpfs`) are compared as they are.
 */
export async function isMountOf(mount: MountEntry, device: ResolvedDevice): Promise<boolean> {
  if (mount.majorMinor === device.majorMinor) return true;
  const source = mount.source.startsWith('/') ? await realpath(mount.source).catch(() => mount.source) : mount.source;
  return source === device.path;
}

/**
 * The first mount of `device` in `mounts` (mountinfo order), or `undefined` when nothing mounts it.
 * Drivers call it before writing to a device they were handed, to refuse one that is in use.
 */
export async function findDeviceMount(mounts: readonly MountEntry[], device: ResolvedDevice): Promise<MountEntry | undefined> {
  for (const mount of mounts) {
    if (await isMountOf(mount, device)) return mount;
  }
  return undefined;
}

/**
 * The mount visible at `mountPoint`, or `undefined`. `mountPoint` is resolved through symlinks first,
 * because mountinfo lists real paths. When several mounts stack on one path the last listed covers the
 * others, so that is the one returned.
 */
export async function findMountAt(mounts: readonly MountEntry[], mountPoint: string): Promise<MountEntry | undefined> {
  const real = await realpath(mountPoint).catch(() => mountPoint);
  return mounts.findLast((entry) => entry.mountPoint === real);
}
