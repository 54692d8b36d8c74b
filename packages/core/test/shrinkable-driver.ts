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
  /** When true, a removal runs until `finishRemoval()` or its signal's abort. */
  slowRemovals = false;
  /** How many removals got past their checks and began. */
  removalsStarted = 0;
  /** Ends the removal in flight (with `slowRemovals`). */
  finishRemoval: () => void = () => {};
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
    const cancelled = () => new DriverError(this.name, 'ABORTED', `The removal of ${device} was cancelled.`);
    if (options.signal?.aborted) throw cancelled();
    if (this.removeFailure) throw this.removeFailure;
    this.removalsStarted += 1;
    if (this.slowRemovals) {
      // A removal that moves data for a while: it ends when the test says so, or when it is cancelled.
      await new Promise<void>((resolve, reject) => {
        this.finishRemoval = resolve;
        options.signal?.addEventListener('abort', () => reject(cancelled()), { once: true });
      });
    }
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
