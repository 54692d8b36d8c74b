import { mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { deviceBacksMembers, holdersOf, readMounts, resolveBlockDevice, type MountEntry, type ResolvedDevice } from '@ebs-autoscale/blockdev';

/** What `statfs` says about a mounted filesystem, in bytes and inodes. */
export interface FilesystemStats {
  readonly totalBytes: number;
  readonly usedBytes: number;
  readonly availableBytes: number;
  readonly totalInodes: number;
  readonly freeInodes: number;
}

/**
 * The driver's view of the machine outside LVM: devices, holders, mounts, statfs. Injected so unit
 * tests can describe a machine without root; {@link createSystemProbe} is the real one, built on
 * `@ebs-autoscale/blockdev`.
 */
export interface SystemProbe {
  /**
   * Resolves `path` (following `/dev/disk/by-id` links) to a block device, or throws a `DriverError`
   * `NOT_A_BLOCK_DEVICE` in the name of `driver`.
   */
  resolveBlockDevice(driver: string, path: string): Promise<ResolvedDevice>;
  /** `major:minor` of a block device, or `undefined` when `path` is missing or not a block device. */
  blockDeviceId(path: string): Promise<string | undefined>;
  /** Kernel names of the devices stacked on the device called `name` (device-mapper, md RAID). */
  holders(name: string): Promise<string[]>;
  /** Whether `path` could hold the PVs numbered `members` (`major:minor`): blockdev's `deviceBacksMembers()`. */
  backsMembers(path: string, members: ReadonlySet<string>): Promise<boolean>;
  /** Every mount of this process's namespace, as mountinfo lists them. */
  mounts(): Promise<MountEntry[]>;
  statfs(mountPoint: string): Promise<FilesystemStats>;
  ensureDirectory(path: string): Promise<void>;
}

/**
 * The real probe: `node:fs`, `<procRoot>/self/mountinfo` and `<sysRoot>/class/block` (both roots
 * injectable for tests).
 */
export function createSystemProbe(procRoot = '/proc', sysRoot = '/sys'): SystemProbe {
  return {
    resolveBlockDevice,
    async blockDeviceId(path) {
      // The driver name only labels the error, which is dropped: absent and not-a-device both mean undefined.
      return (await resolveBlockDevice('lvm', path).catch(() => undefined))?.majorMinor;
    },
    holders(name) {
      return holdersOf(sysRoot, name);
    },
    backsMembers(path, members) {
      return deviceBacksMembers('lvm', sysRoot, path, members);
    },
    mounts() {
      return readMounts(join(procRoot, 'self/mountinfo'));
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
