import { GIB } from '@ebs-autoscale/core';
import type { InMemoryDriver } from '@ebs-autoscale/core/testing';
import type { Trace } from './workloads.js';

/** What a run measured on the filesystem. */
export interface FillMetrics {
  /** Times the writer went from writing to being refused (ENOSPC). */
  outOfSpaceEvents: number;
  /** Seconds during which the writer was refused. */
  outOfSpaceSeconds: number;
  /** Bytes the writer could not write; they are lost, as a failed job's output is. */
  droppedBytes: number;
  /** ∫ (allocated − used) dt, GiB·hours. */
  overProvisionedGiBHours: number;
  /** ∫ allocated dt, GiB·hours. */
  allocatedGiBHours: number;
  /** Largest capacity reached, GiB. */
  peakAllocatedGiB: number;
}

/**
 * Plays a trace against an {@link InMemoryDriver}, exactly: between two moments the write rate is
 * constant, so the moment the disk fills and the area under (allocated − used) are computed in closed
 * form rather than sampled. Capacity only changes inside timer callbacks, which the virtual clock
 * brackets with `advanceTo`, so nothing between two calls can be missed.
 */
export class FillModel {
  readonly metrics: FillMetrics = {
    outOfSpaceEvents: 0,
    outOfSpaceSeconds: 0,
    droppedBytes: 0,
    overProvisionedGiBHours: 0,
    allocatedGiBHours: 0,
    peakAllocatedGiB: 0,
  };
  private used = 0;
  private total: number;
  private now = 0;
  private refused = false;
  private rateIndex = 0;
  private deleteIndex = 0;
  /** The trace's rate changes, and any writes scheduled while the run goes ({@link scheduleWrite}). */
  private readonly changes: { at: number; rate: number }[];

  constructor(
    private readonly driver: InMemoryDriver,
    initialBytes: number,
    private readonly trace: Trace,
  ) {
    this.total = initialBytes;
    this.metrics.peakAllocatedGiB = initialBytes / GIB;
    this.changes = trace.changes.map((change) => ({ ...change }));
  }

  /** Data already on the disk before the trace starts (at most what fits); counts as used, not as a write. */
  preload(bytes: number): void {
    this.store(Math.min(Math.max(0, bytes), this.total));
  }

  /** Called by the metered driver when a device joined the filesystem. */
  addCapacity(bytes: number): void {
    this.total += bytes;
    this.refused = false;
    this.metrics.peakAllocatedGiB = Math.max(this.metrics.peakAllocatedGiB, this.total / GIB);
  }

  /**
   * Adds a write of `rate` bytes/s from `start` to `end` (seconds, `start` not before the model's
   * present): a step that starts when something in the run says so, such as a reservation's grant.
   */
  scheduleWrite(start: number, end: number, rate: number): void {
    if (start < this.now) throw new RangeError(`a write cannot start at ${start} s, before the model's present (${this.now} s)`);
    if (end <= start || rate <= 0) return;
    const changes = this.changes;
    for (const at of [start, end]) {
      const after = changes.findIndex((change) => change.at >= at);
      if (after === -1) changes.push({ at, rate: changes.at(-1)?.rate ?? 0 });
      else if (changes[after]!.at > at) changes.splice(after, 0, { at, rate: changes[after - 1]?.rate ?? 0 });
    }
    for (const change of changes) if (change.at >= start && change.at < end) change.rate += rate;
  }

  /** Removes bytes the way a reclaimer does (an unused image deleted); returns what was removed. */
  reclaim(bytes: number): number {
    const removed = Math.min(Math.max(0, bytes), this.used);
    this.remove(removed);
    return removed;
  }

  get usedBytes(): number {
    return this.used;
  }

  get totalBytes(): number {
    return this.total;
  }

  /** Plays the trace up to `seconds`. */
  advanceTo(seconds: number): void {
    const { deletes } = this.trace;
    const changes = this.changes;
    while (this.now < seconds) {
      while (this.rateIndex + 1 < changes.length && changes[this.rateIndex + 1]!.at <= this.now) this.rateIndex += 1;
      while (this.deleteIndex < deletes.length && deletes[this.deleteIndex]!.at <= this.now) this.remove(deletes[this.deleteIndex++]!.bytes);
      const nextChange = changes[this.rateIndex + 1]?.at ?? Number.POSITIVE_INFINITY;
      const nextDelete = deletes[this.deleteIndex]?.at ?? Number.POSITIVE_INFINITY;
      const end = Math.min(seconds, nextChange, nextDelete);
      this.write(changes[this.rateIndex]?.rate ?? 0, end - this.now);
      this.now = end;
    }
    while (this.deleteIndex < deletes.length && deletes[this.deleteIndex]!.at <= this.now) this.remove(deletes[this.deleteIndex++]!.bytes);
  }

  private write(rate: number, dt: number): void {
    if (dt <= 0) return;
    const free = Math.max(0, this.total - this.used);
    const wanted = rate * dt;
    const m = this.metrics;
    m.allocatedGiBHours += (this.total / GIB) * (dt / 3600);
    if (wanted <= free) {
      m.overProvisionedGiBHours += ((free - wanted / 2) * dt) / GIB / 3600;
      this.store(wanted);
      return;
    }
    const fillSeconds = free / rate;
    m.overProvisionedGiBHours += ((free / 2) * fillSeconds) / GIB / 3600;
    this.store(free);
    if (!this.refused) m.outOfSpaceEvents += 1;
    this.refused = true;
    m.outOfSpaceSeconds += dt - fillSeconds;
    m.droppedBytes += wanted - free;
  }

  private store(bytes: number): void {
    if (bytes <= 0) return;
    this.used += bytes;
    try {
      this.driver.write(bytes);
    } catch {
      // Floating-point dust at the exact moment the disk fills: the driver wrote what fitted.
    }
  }

  private remove(bytes: number): void {
    const removed = Math.min(bytes, this.used);
    this.used -= removed;
    this.driver.remove(removed);
    if (removed > 0) this.refused = false;
  }
}
