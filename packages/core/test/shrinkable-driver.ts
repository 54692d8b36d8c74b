// A filesystem on the in-memory host that can give a device back (removeDevice()), as btrfs can:
// the in-memory driver of core/testing cannot, and the shrink tests need one.
import { DriverError, GIB, bytesGauge, type FilesystemDriver, type UsageSnapshot } from '../src/index.js';
import type { MemoryHost } from '../src/testing.js';

/** A filesystem over a set of host devices that can give one back; `lingers` makes it still claim a removed device. */
export class ShrinkableDriver implements FilesystemDriver {
  readonly name = 'shrinkable';
  readonly mountPoint = '/mnt/shrinkable';
  readonly members: string[];
  /** Bytes in use, as a test sets them. */
  used = 0;
  lingers = false;
  removeFailure: Error | undefined;
  private readonly removed = new Set<string>();
  constructor(
    private readonly host: MemoryHost,
    initialBytes = 10 * GIB,
  ) {
    this.members = [host.attach(initialBytes)];
  }
  async prepare(): Promise<void> {}
  async usage(): Promise<UsageSnapshot> {
    const total = this.members.reduce((sum, device) => sum + (this.host.devices.get(device) ?? 0), 0);
    const bytes = bytesGauge(this.used, total);
    return { totalBytes: total, usedBytes: this.used, availableBytes: total - this.used, gauges: [{ ...bytes, detail: '' }] };
  }
  async extend(device: string): Promise<void> {
    this.members.push(device);
  }
  async removeDevice(device: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    if (options.signal?.aborted) throw new DriverError(this.name, 'ABORTED', `The removal of ${device} was cancelled.`);
    if (this.removeFailure) throw this.removeFailure;
    if (!this.members.includes(device)) throw new DriverError(this.name, 'DEVICE_NOT_FOUND', `${device} is not a member.`);
    this.members.splice(this.members.indexOf(device), 1);
    this.removed.add(device);
  }
  async devices(): Promise<string[]> {
    return [...this.members];
  }
  async holdsDevice(device: string): Promise<boolean> {
    return this.members.includes(device) || (this.lingers && this.removed.has(device));
  }
}
