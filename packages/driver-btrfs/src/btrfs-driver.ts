import { mkdir, realpath } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { deviceBacksMembers, ensureFstabEntry, findMountAt, isReadOnlyAt, readDeviceNumber, readMounts, refuseSignature } from '@ebs-autoscale/blockdev';
import { createExecaRunner, DriverError, type CommandRunner, type FilesystemDriver, type UsageSnapshot } from '@ebs-autoscale/core';
import type { BtrfsDriverOptions } from './btrfs-driver-options.js';
import { findBtrfsByDevice, listBtrfsDevids, listBtrfsDevices, readBtrfsAllocation } from './btrfs-sysfs.js';
import { btrfsUsage } from './btrfs-usage.js';
import { inspectDevice, type GuardContext } from './device-guard.js';
import { assertRemovable } from './device-removal.js';
import { findOwnChild } from './own-child.js';
import { planMaintenance } from './maintenance.js';

const NAME = 'btrfs';
// Moving a large device's data away takes as long as reading and rewriting it; a timeout kills
// `btrfs device remove`, which cancels the removal and leaves the device a member.
const REMOVE_TIMEOUT_MS = 6 * 60 * 60_000;

/**
 * One btrfs filesystem across any number of block devices, grown online with `btrfs device add` or
 * onto an enlarged device (`btrfs filesystem resize <devid>:max`), and shrunk online by removing a
 * device it added (`btrfs device remove`).
 * `usage()` reads sysfs and mountinfo only (no process per sample) and reports a `btrfs-metadata`
 * gauge beside `bytes`, and whether the mount is read-only. Create it with {@link createBtrfsDriver}.
 */
export class BtrfsDriver implements FilesystemDriver {
  readonly name = NAME;
  readonly mountPoint: string;
  private readonly runner: CommandRunner;
  private readonly guard: GuardContext;
  private readonly sysRoot: string;
  private uuid: string | undefined;
  /** The device a removeDevice() call is removing now. */
  private removing: string | undefined;

  constructor(private readonly options: BtrfsDriverOptions) {
    this.mountPoint = resolve(options.mountPoint);
    this.runner = options.runner ?? createExecaRunner();
    this.sysRoot = options.sysRoot ?? '/sys';
    this.guard = { driver: NAME, runner: this.runner, sysRoot: this.sysRoot, mountInfoPath: options.mountInfoPath ?? '/proc/self/mountinfo' };
  }

  async prepare(): Promise<void> {
    if (this.options.devices.length === 0) {
      throw new DriverError(NAME, 'INVALID_ARGUMENT', 'No initial device given.', { hint: 'Pass at least one blank block device in `devices`.' });
    }
    if ((await this.findUuid()) === undefined) {
      const label = this.options.label ?? 'ebs-autoscale';
      const inspected = [];
      for (const device of this.options.devices) inspected.push({ device, resolved: await inspectDevice(this.guard, device, { acceptAnySignature: true }) });
      const ours = inspected.filter(({ resolved: { signature } }) => signature.type === 'btrfs' && signature.label === label);
      const paths = inspected.map(({ resolved }) => resolved.path);
      if (ours.length === 0) {
        if (!this.options.force)
          for (const { device, resolved } of inspected) if (resolved.signature.type !== undefined) refuseSignature(NAME, device, resolved.signature);
        // Data `single`: EBS already keeps replicas, so a second data copy would only halve capacity.
        // Metadata `dup`: two copies on the same device survive a torn write or a bad sector in the tree,
        // for a small cost. Not `raid1` even when there are several devices: raid1 needs unallocated
        // space on two devices at once to grow metadata, an extra way to hit ENOSPC when one volume
        // fills; and with single data, losing a whole volume loses data anyway.
        await this.runner.run('mkfs.btrfs', ['-q', '-L', label, '-d', 'single', '-m', 'dup', ...(this.options.force ? ['-f'] : []), ...paths]);
      } else if (ours.length !== inspected.length || new Set(ours.map(({ resolved }) => resolved.signature.uuid)).size !== 1) {
        throw new DriverError(NAME, 'INVALID_ARGUMENT', `The initial devices mix an existing "${label}" filesystem with other devices.`, {
          hint: 'Pass the devices of one filesystem, or only blank devices.',
        });
      }
      await this.mount(paths);
    }
    const uuid = await this.requireUuid();
    if (this.options.fstabPath) {
      await ensureFstabEntry(this.options.fstabPath, { uuid, mountPoint: this.mountPoint, fsType: 'btrfs', options: [...this.mountOptions(), 'nofail'] });
    }
  }

  async usage(): Promise<UsageSnapshot> {
    const allocation = await readBtrfsAllocation(this.sysRoot, await this.requireUuid());
    // One read of mountinfo, no process: a remount read-only (by hand, or btrfs aborting a transaction) stops scaling.
    return { ...btrfsUsage(allocation), readOnly: await isReadOnlyAt(await readMounts(this.guard.mountInfoPath), this.mountPoint) };
  }

  async extend(device: string): Promise<void> {
    const uuid = await this.requireUuid();
    const resolved = await inspectDevice(this.guard, device, { ownUuid: uuid });
    // -K (no discard): a new EBS volume is already empty, and trimming a large one takes minutes.
    // No -f: btrfs re-checks for signatures itself, a second guard against formatting data.
    await this.runner.run('btrfs', ['device', 'add', '-K', resolved.path, this.mountPoint]);
    const plan = planMaintenance(await readBtrfsAllocation(this.sysRoot, uuid), this.options.balanceDataUsagePercent);
    if (plan.balanceDataUsage !== undefined) {
      await this.runner.run('btrfs', ['balance', 'start', `-dusage=${plan.balanceDataUsage}`, this.mountPoint], { timeoutMs: 30 * 60_000 });
    }
  }

  /**
   * Grows the filesystem onto whichever member devices were enlarged (EBS ModifyVolume, or a loop
   * device after `losetup -c`): `btrfs filesystem resize <devid>:max` for each device, online. A device
   * the filesystem already fills is left as it is (btrfs exits 0).
   */
  async growInPlace(): Promise<void> {
    const uuid = await this.requireUuid();
    for (const devid of await listBtrfsDevids(this.sysRoot, uuid, this.runner, this.mountPoint)) {
      await this.runner.run('btrfs', ['filesystem', 'resize', `${devid}:max`, this.mountPoint]);
    }
  }

  /**
   * Takes a device that was added with {@link extend} out of the filesystem, online: `btrfs device
   * remove` moves its data to the other devices while writes go on, and wipes its superblock at the
   * end, so its volume can then be released. Refuses (changing nothing) an initial device, a device
   * that is not a member, a removal while another runs (in this process, or any exclusive operation
   * the kernel reports), and a device whose data the others cannot hold. A removal that is killed
   * (timeout, SIGKILL) is cancelled by the kernel and leaves the device a member; `signal` does that
   * to the removal's own `btrfs` process, and the call then rejects with `ABORTED` (or resolves, when
   * the removal had already finished).
   */
  async removeDevice(device: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (options.signal?.aborted) {
      throw new DriverError(NAME, 'ABORTED', `The removal of ${device} was cancelled before it started.`, { device, cause: options.signal.reason });
    }
    if (this.removing !== undefined) {
      throw new DriverError(NAME, 'DEVICE_IN_USE', `${this.removing} is being removed; one device is removed at a time.`, {
        device,
        retryable: true,
        hint: 'Try again after that removal has finished; nothing was changed.',
      });
    }
    this.removing = device;
    try {
      const uuid = await this.requireUuid();
      const resolved = await assertRemovable({ driver: NAME, sysRoot: this.sysRoot, uuid, initialDevices: this.options.devices }, device);
      const args = ['device', 'remove', resolved.path, this.mountPoint];
      const removal = this.runner.run('btrfs', args, { timeoutMs: REMOVE_TIMEOUT_MS });
      const stop = options.signal ? stopOnAbort(options.signal, this.options.procRoot ?? '/proc', args, removal) : undefined;
      const failure = await removal.then(
        () => undefined,
        (error: unknown) => error,
      );
      stop?.();
      const stillMember = (await listBtrfsDevices(this.sysRoot, uuid)).includes(resolved.name);
      if (failure !== undefined && options.signal?.aborted && stillMember) {
        throw new DriverError(NAME, 'ABORTED', `The removal of ${device} was cancelled; it is still a device of ${this.mountPoint}, whole.`, {
          device,
          cause: failure,
        });
      }
      if (failure !== undefined) throw failure;
      if (stillMember) {
        throw new DriverError(NAME, 'INTERNAL', `btrfs device remove exited 0, but ${device} is still a device of ${this.mountPoint}.`, {
          device,
          hint: 'Check `btrfs filesystem show`; do not release its volume.',
        });
      }
    } finally {
      this.removing = undefined;
    }
  }

  async devices(): Promise<string[]> {
    const names = await listBtrfsDevices(this.sysRoot, await this.requireUuid());
    return names.map((name) => join(this.options.devRoot ?? '/dev', name));
  }

  /**
   * From sysfs: the members of the mounted filesystem's UUID (`/sys/fs/btrfs/<UUID>/devices/*`, each a
   * link to its block device's entry), compared with `device` by device number. Nothing mounted: no members.
   */
  async holdsDevice(device: string): Promise<boolean> {
    const uuid = await this.findUuid();
    const members = new Set<string>();
    if (uuid !== undefined) {
      const dir = join(this.sysRoot, 'fs', 'btrfs', uuid, 'devices');
      for (const name of await listBtrfsDevices(this.sysRoot, uuid)) members.add(await readDeviceNumber(join(dir, name)));
    }
    return deviceBacksMembers(NAME, this.sysRoot, device, members);
  }

  private mountOptions(): string[] {
    // noatime: reads would otherwise write metadata (atime updates), which on btrfs means CoW metadata
    // churn; compress=zstd only on request, see the option.
    return ['noatime', ...(this.options.compress ? ['compress=zstd'] : []), ...(this.options.mountOptions ?? [])];
  }

  private async mount(paths: string[]): Promise<void> {
    await mkdir(this.mountPoint, { recursive: true });
    // device= names every member, so a multi-device filesystem mounts without a prior `btrfs device scan`.
    const options = [...this.mountOptions(), ...paths.slice(1).map((path) => `device=${path}`)];
    await this.runner.run('mount', ['-t', 'btrfs', '-o', options.join(','), paths[0] ?? '', this.mountPoint]);
  }

  /** The UUID of the btrfs mounted at our mount point, from mountinfo and sysfs; cached while it stays. */
  private async findUuid(): Promise<string | undefined> {
    const mount = await findMountAt(await readMounts(this.guard.mountInfoPath), this.mountPoint);
    if (mount === undefined) return (this.uuid = undefined);
    const source = await realpath(mount.source).catch(() => mount.source);
    const uuid = mount.fsType === 'btrfs' ? await findBtrfsByDevice(this.sysRoot, basename(source)) : undefined;
    const first = this.options.devices[0];
    const firstName = first === undefined ? undefined : basename(await realpath(first).catch(() => first));
    if (uuid === undefined || firstName === undefined || !(await listBtrfsDevices(this.sysRoot, uuid)).includes(firstName)) {
      throw new DriverError(NAME, 'DEVICE_IN_USE', `${this.mountPoint} already has another filesystem mounted (${mount.fsType} from ${mount.source}).`, {
        hint: 'Choose another mount point, or unmount what is there.',
      });
    }
    return (this.uuid = uuid);
  }

  private async requireUuid(): Promise<string> {
    const uuid = this.uuid ?? (await this.findUuid());
    if (uuid === undefined) {
      throw new DriverError(NAME, 'NOT_PREPARED', `Nothing is mounted on ${this.mountPoint}.`, { hint: 'Call prepare() first.' });
    }
    return uuid;
  }
}

/**
 * On `signal`'s abort, SIGKILLs this process's own `btrfs <args>` child once it runs (the kernel then
 * cancels the removal), polling until it appears or `running` settles. Returns the clean-up.
 */
function stopOnAbort(signal: AbortSignal, procRoot: string, args: readonly string[], running: Promise<unknown>): () => void {
  let settled = false;
  void running.finally(() => (settled = true)).catch(() => undefined);
  const onAbort = async () => {
    while (!settled) {
      const pid = await findOwnChild(procRoot, 'btrfs', args);
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // It exited between the look and the kill: nothing left to stop.
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const listener = () => void onAbort();
  if (signal.aborted) listener();
  else signal.addEventListener('abort', listener, { once: true });
  return () => {
    settled = true;
    signal.removeEventListener('abort', listener);
  };
}

/**
 * Creates a {@link BtrfsDriver}.
 *
 * @example
 * ```ts
 * const driver = createBtrfsDriver({ mountPoint: '/scratch', devices: ['/dev/nvme1n1'], fstabPath: '/etc/fstab' });
 * await driver.prepare();            // mkfs.btrfs on a blank device, mount, fstab by UUID with nofail
 * await driver.extend('/dev/nvme2n1'); // btrfs device add, online
 * ```
 */
export function createBtrfsDriver(options: BtrfsDriverOptions): BtrfsDriver {
  return new BtrfsDriver(options);
}
