import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { createDeviceProbe, deviceBacksMembers, resolveBlockDevice, type DeviceProbe } from '@ebs-autoscale/blockdev';

/** What `statfs` says about a mounted filesystem, in bytes and inodes. */
export interface FilesystemStats {
  readonly totalBytes: number;
  readonly usedBytes: number;
  readonly availableBytes: number;
  readonly totalInodes: number;
  readonly freeInodes: number;
}

/**
 * The driver's view of the machine outside LVM: blockdev's {@link DeviceProbe} (devices, holders,
 * mounts) and statfs. Injected so unit tests can describe a machine without root;
 * {@link createSystemProbe} is the real one, built on `@ebs-autoscale/blockdev`.
 */
export interface SystemProbe extends DeviceProbe {
  /** `major:minor` of a block device, or `undefined` when `path` is missing or not a block device. */
  blockDeviceId(path: string): Promise<string | undefined>;
  /** Whether `path` could hold the PVs numbered `members` (`major:minor`): blockdev's `deviceBacksMembers()`. */
  backsMembers(path: string, members: ReadonlySet<string>): Promise<boolean>;
  statfs(mountPoint: string): Promise<FilesystemStats>;
  ensureDirectory(path: string): Promise<void>;
}

/**
 * The real probe: `node:fs`, `<procRoot>/self/mountinfo` and `<sysRoot>/class/block` (both roots
 * injectable for tests).
 */
export function createSystemProbe(procRoot = '/proc', sysRoot = '/sys'): SystemProbe {
  return {
    ...createDeviceProbe(sysRoot, join(procRoot, 'self/mountinfo')),
    async blockDeviceId(path) {
      // The driver name only labels the error, which is dropped: absent and not-a-device both mean undefined.
      return (await resolveBlockDevice('lvm', path).catch(() => undefined))?.majorMinor;
    },
    backsMembers(path, members) {
      return deviceBacksMembers('lvm', sysRoot, path, members);
    },
    async statfs(mountPoint) {
      const s = await statfs(mountPoint);
      return {
        totalBytes: s.blocks * s.bsize,
        usedBytes: (s.blocks - s.bfree) * s.bsize,
        availableBytes: s.bavail * s.bsize,
        totalInodes: s.files,
        freeInodes: s.ffree,
      };
    },
    async ensureDirectory(path) {
      await mkdir(path, { recursive: true });
    },
  };
}
