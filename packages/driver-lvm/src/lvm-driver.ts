import { findMountAt, isReadOnlyAt } from '@ebs-autoscale/blockdev';
import { DriverError, createExecaRunner, type CommandRunner, type FilesystemDriver, type UsageSnapshot } from '@ebs-autoscale/core';
import { assertUsableDevice, type DeviceCheckContext } from './device-checks.js';
import { growFilesystem, hasSignature, makeFilesystem, type LvmFilesystem } from './filesystem.js';
import { LAYOUT_DEFAULTS, type LvmLayout } from './layouts.js';
import { LvmReports } from './lvm-reports.js';
import { planMetadataGrowth } from './metadata-growth.js';
import type { LvmDriverOptions } from './lvm-driver-options.js';
import { validateLvName, validateVgName } from './names.js';
import { createSystemProbe, type SystemProbe } from './system-probe.js';
import { fileSystemUsage, poolOnlyUsage, thinPoolUsage } from './usage.js';

const DRIVER = 'lvm';

/**
 * Grows a mount point by adding devices to an LVM volume group, in one of three layouts
 * ({@link LvmLayout}). Every command runs through the injected runner with argument arrays.
 */
export class LvmDriver implements FilesystemDriver {
  readonly name = DRIVER;
  readonly mountPoint: string;
  readonly layout: LvmLayout;
  readonly volumeGroup: string;
  readonly logicalVolume: string;
  readonly thinPool: string;
  readonly filesystem: LvmFilesystem;
  private readonly runner: CommandRunner;
  private readonly probe: SystemProbe;
  private readonly reports: LvmReports;
  private readonly checks: DeviceCheckContext;

  constructor(private readonly options: LvmDriverOptions) {
    this.layout = options.layout ?? 'thin-pool';
    const defaults = LAYOUT_DEFAULTS[this.layout];
    if (!defaults)
      throw new DriverError(DRIVER, 'INVALID_ARGUMENT', `Unknown layout ${JSON.stringify(options.layout)}.`, { hint: 'Use thin-pool, pool-only or linear.' });
    this.mountPoint = options.mountPoint;
    this.volumeGroup = validateVgName(options.volumeGroup ?? defaults.volumeGroup, DRIVER);
    this.logicalVolume = validateLvName(options.logicalVolume ?? defaults.logicalVolume, DRIVER);
    this.thinPool = this.layout === 'linear' ? '' : validateLvName(options.thinPool ?? defaults.thinPool, DRIVER);
    this.filesystem = options.filesystem ?? defaults.filesystem;
    if (this.filesystem !== 'ext4' && this.filesystem !== 'xfs') {
      throw new DriverError(DRIVER, 'INVALID_ARGUMENT', `Unsupported filesystem ${JSON.stringify(this.filesystem)}.`, {
        hint: 'Use ext4 or xfs: both grow online.',
      });
    }
    this.runner = options.runner ?? createExecaRunner();
    this.probe = options.probe ?? createSystemProbe();
    this.reports = new LvmReports(this.runner);
    this.checks = { driver: DRIVER, vgName: this.volumeGroup, runner: this.runner, probe: this.probe, reports: this.reports };
  }

  /** `/dev/<vg>/<lv>`: LVM creates this link itself when udev doesn't. */
  get lvPath(): string {
    return `/dev/${this.volumeGroup}/${this.logicalVolume}`;
  }

  async prepare(): Promise<void> {
    if (!(await this.reports.vg(this.volumeGroup))) await this.createVolumeGroup();
    if (this.layout !== 'linear') await this.ensureThinPool();
    if (this.layout === 'pool-only') return;
    await this.ensureLogicalVolume();
    if (!(await this.probe.blockDeviceId(this.lvPath))) await this.runner.run('vgchange', ['-ay', this.volumeGroup]);
    if (!(await hasSignature(this.runner, this.lvPath))) await makeFilesystem(this.runner, this.filesystem, this.lvPath);
    await this.ensureMounted();
  }

  async usage(): Promise<UsageSnapshot> {
    if (this.layout === 'pool-only') return poolOnlyUsage(await this.pool());
    const stats = await this.probe.statfs(this.mountPoint);
    const readOnly = await isReadOnlyAt(await this.probe.mounts(), this.mountPoint);
    if (this.layout === 'linear') return { ...fileSystemUsage(stats), readOnly };
    return { ...thinPoolUsage(stats, await this.pool()), readOnly };
  }

  private async pool() {
    const pool = await this.reports.lv(this.volumeGroup, this.thinPool);
    if (!pool) throw this.notPrepared();
    return pool;
  }

  async extend(device: string): Promise<void> {
    if (!(await this.reports.vg(this.volumeGroup))) throw this.notPrepared();
    const { path } = await assertUsableDevice(this.checks, device);
    await this.runner.run('pvcreate', [path]);
    await this.runner.run('vgextend', [this.volumeGroup, path]);
    if (this.layout === 'linear') {
      await this.runner.run('lvresize', ['-l', '100%VG', `${this.volumeGroup}/${this.logicalVolume}`]);
    } else {
      await this.growThinPool();
      if (this.layout === 'pool-only') return;
      const pool = await this.reports.lv(this.volumeGroup, this.thinPool);
      const thin = await this.reports.lv(this.volumeGroup, this.logicalVolume);
      if (!pool || !thin) throw this.notPrepared();
      // The thin LV is as large as the pool, never larger: an overcommitted thin LV lets the
      // filesystem promise space the pool can't give, and a full pool fails writes the filesystem accepted.
      if (pool.sizeBytes > thin.sizeBytes) await this.runner.run('lvextend', ['-L', `${pool.sizeBytes}b`, `${this.volumeGroup}/${this.logicalVolume}`]);
    }
    await growFilesystem(this.runner, this.filesystem, this.lvPath, this.mountPoint);
  }

  async devices(): Promise<string[]> {
    return (await this.reports.pvs()).filter((pv) => pv.vgName === this.volumeGroup).map((pv) => pv.pvName);
  }

  /**
   * The volume group's PVs by device number, and what is stacked on `device` (an active VG's
   * device-mapper holds every PV). A PV LVM lists but whose node cannot be read is a "cannot tell".
   */
  async holdsDevice(device: string): Promise<boolean> {
    const members = new Set<string>();
    for (const pv of await this.devices()) {
      const id = await this.probe.blockDeviceId(pv);
      if (id === undefined) {
        throw new DriverError(DRIVER, 'DEVICE_NOT_FOUND', `LVM lists ${pv} as a PV of ${this.volumeGroup}, but it is not a block device here.`, {
          device: pv,
          hint: 'Check `pvs` and that the device nodes exist; until then no volume of this group can be proven unused.',
        });
      }
      members.add(id);
    }
    return this.probe.backsMembers(device, members);
  }

  private async createVolumeGroup(): Promise<void> {
    const devices = this.options.devices ?? [];
    if (devices.length === 0) {
      throw new DriverError(DRIVER, 'INVALID_ARGUMENT', `Volume group ${this.volumeGroup} does not exist and no devices were given to create it.`, {
        hint: 'Pass `devices` with at least one blank block device.',
      });
    }
    // Check every device before touching any, so a bad second device leaves the first one blank.
    const paths = [];
    for (const device of devices) paths.push((await assertUsableDevice(this.checks, device)).path);
    for (const path of paths) await this.runner.run('pvcreate', [path]);
    await this.runner.run('vgcreate', [this.volumeGroup, ...paths]);
  }

  private async ensureThinPool(): Promise<void> {
    if (await this.reports.lv(this.volumeGroup, this.thinPool)) return;
    const metadata = this.options.poolMetadataSizeBytes === undefined ? [] : ['--poolmetadatasize', `${this.options.poolMetadataSizeBytes}b`];
    // 100%FREE: lvcreate subtracts the metadata LV and its spare from the data itself. No
    // --wipesignatures: lvcreate refuses it for pools, whose metadata it zeroes anyway.
    await this.runner.run('lvcreate', ['--type', 'thin-pool', '-l', '100%FREE', ...metadata, '--yes', '-n', this.thinPool, this.volumeGroup]);
  }

  private async ensureLogicalVolume(): Promise<void> {
    if (await this.reports.lv(this.volumeGroup, this.logicalVolume)) return;
    if (this.layout === 'linear') {
      await this.runner.run('lvcreate', ['-l', '100%FREE', '--wipesignatures', 'y', '--yes', '-n', this.logicalVolume, this.volumeGroup]);
      return;
    }
    const pool = await this.reports.lv(this.volumeGroup, this.thinPool);
    if (!pool) throw this.notPrepared();
    await this.runner.run('lvcreate', ['--type', 'thin', '-V', `${pool.sizeBytes}b`, '--thinpool', this.thinPool, '-n', this.logicalVolume, this.volumeGroup]);
  }

  private async ensureMounted(): Promise<void> {
    const lvId = await this.probe.blockDeviceId(this.lvPath);
    const mounted = await findMountAt(await this.probe.mounts(), this.mountPoint);
    if (mounted && mounted.majorMinor === lvId) return;
    if (mounted) {
      throw new DriverError(
        DRIVER,
        'DEVICE_IN_USE',
        `${this.mountPoint} already has another filesystem mounted (${mounted.source}, device ${mounted.majorMinor}).`,
        {
          hint: `Unmount it, or choose another mount point for ${this.lvPath}.`,
        },
      );
    }
    await this.probe.ensureDirectory(this.mountPoint);
    const options = this.options.mountOptions ?? (this.layout === 'thin-pool' ? ['discard'] : []);
    await this.runner.run('mount', [...(options.length > 0 ? ['-o', options.join(',')] : []), this.lvPath, this.mountPoint]);
  }

  /** Metadata first (it needs room for itself and its spare), then all remaining space to data. */
  private async growThinPool(): Promise<void> {
    const pool = await this.reports.lv(this.volumeGroup, this.thinPool);
    const vg = await this.reports.vg(this.volumeGroup);
    if (!pool || !vg) throw this.notPrepared();
    let growth = planMetadataGrowth({
      metadataBytes: pool.metadataSizeBytes ?? 0,
      metadataPercent: pool.metadataPercent ?? 0,
      dataBytesAfter: pool.sizeBytes + vg.freeBytes,
      chunkBytes: pool.chunkSizeBytes ?? 0,
      extentBytes: vg.extentSizeBytes,
      thresholdPercent: this.options.metadataGrowthThresholdPercent,
    });
    // LVM grows the metadata spare (pmspare) to match, so the growth costs twice its size; keep most
    // of the new device for data.
    const affordable = Math.floor(vg.freeBytes / 4 / Math.max(vg.extentSizeBytes, 1)) * vg.extentSizeBytes;
    growth = Math.min(growth, affordable);
    if (growth > 0) await this.runner.run('lvextend', ['--poolmetadatasize', `+${growth}b`, `${this.volumeGroup}/${this.thinPool}`]);
    await this.runner.run('lvextend', ['-l', '+100%FREE', `${this.volumeGroup}/${this.thinPool}`]);
  }

  private notPrepared(): DriverError {
    return new DriverError(DRIVER, 'NOT_PREPARED', `The ${this.layout} layout in volume group ${this.volumeGroup} is not set up.`, {
      hint: 'Call prepare() first, or check the volume group, pool and volume names.',
    });
  }
}

/**
 * Creates an LVM driver.
 *
 * @example
 * ```ts
 * const driver = createLvmDriver({ mountPoint: '/scratch', devices: ['/dev/nvme1n1'] }); // thin-pool, ext4
 * await driver.prepare();
 * await driver.extend('/dev/nvme2n1'); // pvcreate, vgextend, grow pool (and its metadata), thin LV, ext4
 * ```
 */
export function createLvmDriver(options: LvmDriverOptions): LvmDriver {
  return new LvmDriver(options);
}
