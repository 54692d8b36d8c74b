import { mkdir, realpath, statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  assertUnusedDevice,
  createDeviceProbe,
  deviceBacksMembers,
  ensureFstabEntry,
  findMountAt,
  isMountOf,
  isReadOnlyAt,
  probeSignature,
  readMounts,
  resolveBlockDevice,
  type DeviceProbe,
  type DeviceSignature,
  type MountEntry,
  type ResolvedDevice,
} from '@ebs-autoscale/blockdev';
import {
  bytesGauge,
  clampPercent,
  createExecaRunner,
  DriverError,
  formatBytes,
  type CommandRunner,
  type FilesystemDriver,
  type UsageSnapshot,
} from '@ebs-autoscale/core';
import type { Ext4StaticDriverOptions } from './ext4-static-driver-options.js';

const NAME = 'ext4-static';

/**
 * The classic fixed volume (the custom-AMI recipe: one 1 TB volume, ext4, on `/data`) as a driver, so
 * the autoscaler can watch it and, after the provisioner's ModifyVolume, grow it in place. It never
 * adds devices, so it has no `extend()`. Create it with {@link createExt4StaticDriver}.
 */
export class Ext4StaticDriver implements FilesystemDriver {
  readonly name = NAME;
  readonly mountPoint: string;
  private readonly runner: CommandRunner;
  private readonly mountInfoPath: string;
  private readonly probe: DeviceProbe;

  constructor(private readonly options: Ext4StaticDriverOptions) {
    this.mountPoint = resolve(options.mountPoint);
    this.runner = options.runner ?? createExecaRunner();
    this.mountInfoPath = options.mountInfoPath ?? '/proc/self/mountinfo';
    this.probe = createDeviceProbe(options.sysRoot ?? '/sys', this.mountInfoPath);
  }

  async prepare(): Promise<void> {
    const device = await resolveBlockDevice(NAME, this.options.device);
    if ((await this.ourMount(device)) === undefined) {
      const label = this.options.label ?? 'ebs-autoscale';
      const isOurs = (signature: DeviceSignature) => signature.type === 'ext4' && signature.label === label;
      // force: the caller said any signature may be formatted over; a mounted or held device still refuses.
      const acceptSignature = (found: DeviceSignature) => isOurs(found) || this.options.force === true;
      const { signature } = await assertUnusedDevice({ driver: NAME, runner: this.runner, probe: this.probe, acceptSignature }, this.options.device);
      const ours = isOurs(signature);
      if (!ours) {
        // -m 0: the 5 % reserved for root protects a root filesystem from users; on a data volume it
        // would only hide 50 GB of a 1 TB volume. nodiscard: a new EBS volume is already empty.
        await this.runner.run('mkfs.ext4', ['-q', '-L', label, '-m', '0', '-E', 'nodiscard', ...(this.options.force ? ['-F'] : []), device.path]);
      }
      await mkdir(this.mountPoint, { recursive: true });
      await this.runner.run('mount', ['-t', 'ext4', '-o', this.mountOptions().join(','), device.path, this.mountPoint]);
    }
    if (this.options.fstabPath) {
      const uuid = (await probeSignature(this.runner, device.path)).uuid ?? '';
      await ensureFstabEntry(this.options.fstabPath, { uuid, mountPoint: this.mountPoint, fsType: 'ext4', options: [...this.mountOptions(), 'nofail'] });
    }
  }

  /** Bytes and inodes from `statfs(2)`: one system call, no process. */
  async usage(): Promise<UsageSnapshot> {
    await this.requireMounted();
    const stats = await statfs(this.mountPoint, { bigint: false });
    const total = stats.blocks * stats.bsize;
    const used = (stats.blocks - stats.bfree) * stats.bsize;
    const available = stats.bavail * stats.bsize;
    // As df: used over what non-root users can reach (used + available), so 100 % means "full for them".
    const bytes = bytesGauge(used, used + available);
    const inodesUsed = stats.files - stats.ffree;
    return {
      totalBytes: total,
      usedBytes: used,
      availableBytes: available,
      gauges: [
        { ...bytes, detail: `${formatBytes(used)} of ${formatBytes(used + available)}` },
        { kind: 'inodes', usedPercent: stats.files > 0 ? clampPercent((inodesUsed / stats.files) * 100) : 0, detail: `${inodesUsed} of ${stats.files} inodes` },
      ],
      readOnly: await isReadOnlyAt(await readMounts(this.mountInfoPath), this.mountPoint),
    };
  }

  /**
   * Grows ext4 online to fill its device, after the provisioner enlarged the volume (ModifyVolume).
   * `resize2fs` on a mounted ext4 resizes online; the kernel requires CAP_SYS_RESOURCE for it.
   */
  async growInPlace(): Promise<void> {
    const device = await this.requireMounted();
    await this.runner.run('resize2fs', [device.path], { timeoutMs: 30 * 60_000 });
  }

  async devices(): Promise<string[]> {
    return [await realpath(this.options.device).catch(() => this.options.device)];
  }

  /**
   * What is mounted on the mount point (from mountinfo, by device number; whatever it is, to err on the
   * side of keeping), compared with `device`. Nothing mounted: no members.
   */
  async holdsDevice(device: string): Promise<boolean> {
    const mount = await findMountAt(await readMounts(this.mountInfoPath), this.mountPoint);
    return deviceBacksMembers(NAME, this.options.sysRoot ?? '/sys', device, new Set(mount ? [mount.majorMinor] : []));
  }

  private mountOptions(): string[] {
    // noatime: reads should not turn into inode writes.
    return ['noatime', ...(this.options.mountOptions ?? [])];
  }

  /** The mount of our device on our mount point, or undefined; throws when something else sits there. */
  private async ourMount(device: ResolvedDevice): Promise<MountEntry | undefined> {
    const mount = await findMountAt(await readMounts(this.mountInfoPath), this.mountPoint);
    if (mount === undefined) return undefined;
    if (mount.fsType !== 'ext4' || !(await isMountOf(mount, device))) {
      throw new DriverError(NAME, 'DEVICE_IN_USE', `${this.mountPoint} already has another filesystem mounted (${mount.fsType} from ${mount.source}).`, {
        hint: 'Choose another mount point, or unmount what is there.',
      });
    }
    return mount;
  }

  private async requireMounted(): Promise<ResolvedDevice> {
    const device = await resolveBlockDevice(NAME, this.options.device);
    if ((await this.ourMount(device)) === undefined) {
      throw new DriverError(NAME, 'NOT_PREPARED', `${this.options.device} is not mounted on ${this.mountPoint}.`, { hint: 'Call prepare() first.' });
    }
    return device;
  }
}

/**
 * Creates an {@link Ext4StaticDriver}.
 *
 * @example
 * ```ts
 * const driver = createExt4StaticDriver({ mountPoint: '/data', device: '/dev/nvme1n1', fstabPath: '/etc/fstab' });
 * await driver.prepare();     // mkfs.ext4 on a blank device, mount, fstab by UUID with nofail
 * await driver.growInPlace(); // after ModifyVolume: resize2fs online
 * ```
 */
export function createExt4StaticDriver(options: Ext4StaticDriverOptions): Ext4StaticDriver {
  return new Ext4StaticDriver(options);
}
