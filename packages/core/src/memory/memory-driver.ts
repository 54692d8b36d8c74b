import { DriverError } from '../errors.js';
import type { FilesystemDriver } from '../filesystem-driver.js';
import { bytesGauge, clampPercent, type PressureGauge, type UsageSnapshot } from '../usage.js';
import type { MemoryHost } from './memory-host.js';

/** Options of {@link InMemoryDriver}. */
export interface InMemoryDriverOptions {
  host: MemoryHost;
  /** The initial device's size, bytes. */
  initialBytes: number;
  mountPoint?: string;
  /**
   * Which of the driver's optional methods this one has, and so how it can grow. Default: `extend()`
   * only (it adds devices, as btrfs). `{ extend: false, growInPlace: true }` is a static ext4; both
   * false, a filesystem that cannot grow. `removeDevice: true` adds `removeDevice()`: it shrinks online,
   * as btrfs does.
   */
  methods?: { readonly extend?: boolean; readonly growInPlace?: boolean; readonly removeDevice?: boolean };
}

/**
 * A filesystem that lives in memory: it keeps state and throws the real errors (a device that does not
 * exist, one already in the filesystem), so the autoscaler's tests exercise real behaviour without
 * root. `write()` and `remove()` change what is used; `failNextExtend()` injects a failure; `remount()`
 * makes it read-only or writable again. A subclass changes what a device add does by overriding
 * `addDevice()`, which `extend()` runs.
 */
export class InMemoryDriver implements FilesystemDriver {
  readonly name = 'memory';
  readonly mountPoint: string;
  /** Present unless `methods.extend` is false. */
  readonly extend?: (device: string) => Promise<void>;
  /** Present when `methods.growInPlace` is true. */
  readonly growInPlace?: () => Promise<void>;
  /** Present when `methods.removeDevice` is true. */
  readonly removeDevice?: (device: string, options?: { readonly signal?: AbortSignal }) => Promise<void>;
  private readonly host: MemoryHost;
  private readonly members: string[] = [];
  /**
   * With `growInPlace()`, the filesystem's share of each device, bytes: what the device measured when
   * the filesystem last grew onto it. A device that grows (ModifyVolume) adds nothing until
   * growInPlace() runs, as resize2fs must run before ext4 sees it.
   */
  private readonly grownTo = new Map<string, number>();
  private used = 0;
  private readOnly = false;
  private extraGauges: PressureGauge[] = [];
  private extendFailures: Error[] = [];
  private usageFailures: Error[] = [];
  /** How many times each method ran: for tests that check what was (not) called. */
  readonly calls = { prepare: 0, usage: 0, extend: 0, growInPlace: 0, removeDevice: 0 };

  constructor(options: InMemoryDriverOptions) {
    this.host = options.host;
    this.mountPoint = options.mountPoint ?? '/mnt/memory';
    const methods = { extend: true, growInPlace: false, removeDevice: false, ...options.methods };
    if (methods.extend) this.extend = (device) => this.addDevice(device);
    if (methods.growInPlace) this.growInPlace = async () => this.growOntoDevices();
    if (methods.removeDevice) this.removeDevice = async (device, removal) => this.takeOut(device, removal?.signal);
    const initial = this.host.attach(options.initialBytes);
    this.members.push(initial);
    if (methods.growInPlace) this.grownTo.set(initial, options.initialBytes);
  }

  async prepare(): Promise<void> {
    this.calls.prepare += 1;
  }

  async usage(): Promise<UsageSnapshot> {
    this.calls.usage += 1;
    const failure = this.usageFailures.shift();
    if (failure) throw failure;
    const total = this.totalBytes();
    const gauges = [bytesGauge(this.used, total), ...this.extraGauges];
    return { totalBytes: total, usedBytes: this.used, availableBytes: Math.max(0, total - this.used), gauges, ...(this.readOnly ? { readOnly: true } : {}) };
  }

  /**
   * What `extend()` does: adds `device`, refusing as a real driver would. Callable whatever `methods`
   * say, for a test or a bench that plays a host adding a device outside the autoscaler.
   */
  async addDevice(device: string): Promise<void> {
    this.calls.extend += 1;
    const failure = this.extendFailures.shift();
    if (failure) throw failure;
    if (this.readOnly) throw new DriverError(this.name, 'COMMAND_FAILED', `${this.mountPoint} is mounted read-only.`, { device });
    if (!this.host.devices.has(device)) {
      throw new DriverError(this.name, 'NOT_A_BLOCK_DEVICE', `${device} does not exist.`, { device, hint: 'Pass the path the provisioner returned.' });
    }
    if (this.members.includes(device)) {
      throw new DriverError(this.name, 'DEVICE_IN_USE', `${device} is already part of ${this.mountPoint}.`, { device });
    }
    this.members.push(device);
  }

  /**
   * What `removeDevice()` does, at once (the data moves in no time here; a bench adds the time): the
   * refusals of btrfs `device remove`, changing nothing. The initial device stays (`INVALID_ARGUMENT`),
   * a non-member is `DEVICE_NOT_FOUND`, and a device whose removal leaves less than what is used is
   * `LIMIT_REACHED` (btrfs's ENOSPC). Afterwards `holdsDevice()` answers false for it.
   */
  private takeOut(device: string, signal: AbortSignal | undefined): void {
    this.calls.removeDevice += 1;
    if (signal?.aborted) throw new DriverError(this.name, 'ABORTED', `The removal of ${device} was cancelled.`, { device });
    if (this.readOnly) throw new DriverError(this.name, 'COMMAND_FAILED', `${this.mountPoint} is mounted read-only.`, { device });
    const index = this.members.indexOf(device);
    if (index < 0) throw new DriverError(this.name, 'DEVICE_NOT_FOUND', `${device} is not part of ${this.mountPoint}.`, { device });
    if (index === 0) {
      throw new DriverError(this.name, 'INVALID_ARGUMENT', `${device} is the initial device of ${this.mountPoint}; it is never removed.`, { device });
    }
    const totalAfter = this.totalBytes() - this.shareOf(device);
    if (this.used > totalAfter) {
      throw new DriverError(this.name, 'LIMIT_REACHED', `No space left on device: the other devices of ${this.mountPoint} cannot hold its ${this.used} used bytes.`, {
        device,
        hint: 'Delete data first, or keep the device.',
      });
    }
    this.members.splice(index, 1);
    this.grownTo.delete(device);
  }

  private growOntoDevices(): void {
    this.calls.growInPlace += 1;
    for (const device of this.members) this.grownTo.set(device, this.host.devices.get(device) ?? 0);
  }

  async devices(): Promise<string[]> {
    return [...this.members];
  }

  async holdsDevice(device: string): Promise<boolean> {
    // The in-memory kernel: a device the host does not have cannot be seen, which is not a "no".
    if (!this.host.devices.has(device)) {
      throw new DriverError(this.name, 'NOT_A_BLOCK_DEVICE', `${device} does not exist.`, { device, hint: 'Pass the path the provisioner returned.' });
    }
    return this.members.includes(device);
  }

  /** Writes `bytes`; throws ENOSPC-like when it does not fit, as a full filesystem would. Returns the bytes written. */
  write(bytes: number): number {
    if (this.readOnly) throw new DriverError(this.name, 'COMMAND_FAILED', `Read-only file system (${this.mountPoint}).`);
    const fits = Math.min(bytes, this.totalBytes() - this.used);
    this.used += Math.max(0, fits);
    if (fits < bytes) throw new DriverError(this.name, 'LIMIT_REACHED', `No space left on device (${this.mountPoint}).`);
    return fits;
  }

  /** As `mount -o remount,ro` (or `rw`): while read-only, `usage()` says so and writes and `extend()` fail. */
  remount(mode: 'ro' | 'rw'): void {
    this.readOnly = mode === 'ro';
  }

  /** Deletes `bytes` of data. */
  remove(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  /** Sets a gauge other than bytes (e.g. `inodes`), 0–100. */
  setGauge(kind: string, usedPercent: number): void {
    this.extraGauges = [...this.extraGauges.filter((gauge) => gauge.kind !== kind), { kind, usedPercent: clampPercent(usedPercent) }];
  }

  /** The next `extend()` throws this. */
  failNextExtend(error: Error): void {
    this.extendFailures.push(error);
  }

  /** The next `usage()` throws this. */
  failNextUsage(error: Error): void {
    this.usageFailures.push(error);
  }

  private totalBytes(): number {
    return this.members.reduce((sum, device) => sum + this.shareOf(device), 0);
  }

  /** The filesystem's share of one member device, bytes. */
  private shareOf(device: string): number {
    return Math.min(this.host.devices.get(device) ?? 0, this.grownTo.get(device) ?? Number.POSITIVE_INFINITY);
  }
}
