import { DriverError } from '../errors.js';
import type { DriverCapabilities, FilesystemDriver } from '../filesystem-driver.js';
import { bytesGauge, clampPercent, type PressureGauge, type UsageSnapshot } from '../usage.js';
import type { MemoryHost } from './memory-host.js';

/** Options of {@link InMemoryDriver}. */
export interface InMemoryDriverOptions {
  host: MemoryHost;
  /** The initial device's size, bytes. */
  initialBytes: number;
  mountPoint?: string;
  capabilities?: Partial<DriverCapabilities>;
}

/**
 * A filesystem that lives in memory: it keeps state and throws the real errors (a device that does not
 * exist, one already in the filesystem), so the autoscaler's tests exercise real behaviour without
 * root. `write()` and `remove()` change what is used; `failNextExtend()` injects a failure; `remount()`
 * makes it read-only or writable again.
 */
export class InMemoryDriver implements FilesystemDriver {
  readonly name = 'memory';
  readonly mountPoint: string;
  readonly capabilities: DriverCapabilities;
  private readonly host: MemoryHost;
  private readonly members: string[] = [];
  /**
   * With `growInPlace`, the filesystem's share of each device, bytes: what the device measured when
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
  readonly calls = { prepare: 0, usage: 0, extend: 0, growInPlace: 0 };

  constructor(options: InMemoryDriverOptions) {
    this.host = options.host;
    this.mountPoint = options.mountPoint ?? '/mnt/memory';
    this.capabilities = { addDevice: true, growInPlace: false, ...options.capabilities };
    const initial = this.host.attach(options.initialBytes);
    this.members.push(initial);
    if (this.capabilities.growInPlace) this.grownTo.set(initial, options.initialBytes);
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

  async extend(device: string): Promise<void> {
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

  async growInPlace(): Promise<void> {
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
    return this.members.reduce((sum, device) => sum + Math.min(this.host.devices.get(device) ?? 0, this.grownTo.get(device) ?? Number.POSITIVE_INFINITY), 0);
  }
}
