import { sleep, type Clock, type FilesystemDriver, type UsageSnapshot } from '@ebs-autoscale/core';
import type { InMemoryDriver, MemoryHost } from '@ebs-autoscale/core/testing';
import type { Random } from '../sim/random.js';
import type { FillModel } from './fill-model.js';
import type { Latencies } from './latencies.js';

/**
 * Core's in-memory driver with the time a real `btrfs device add` takes, telling the fill model the
 * moment the new capacity is there. Everything else is the inner driver's, and so is what it can do:
 * it has `extend()` exactly when the inner driver has.
 */
export class MeteredDriver implements FilesystemDriver {
  readonly name = 'metered-memory';
  readonly mountPoint: string;
  readonly extend?: (device: string) => Promise<void>;

  constructor(
    private readonly inner: InMemoryDriver,
    private readonly host: MemoryHost,
    private readonly model: FillModel,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly latencies: Latencies,
  ) {
    this.mountPoint = inner.mountPoint;
    const { extend } = inner;
    if (extend) this.extend = (device) => this.timedExtend(device, (added) => extend.call(inner, added));
  }

  prepare(): Promise<void> {
    return this.inner.prepare();
  }

  usage(): Promise<UsageSnapshot> {
    return this.inner.usage();
  }

  devices(): Promise<string[]> {
    return this.inner.devices();
  }

  holdsDevice(device: string): Promise<boolean> {
    return this.inner.holdsDevice(device);
  }

  private async timedExtend(device: string, extend: (device: string) => Promise<void>): Promise<void> {
    await sleep(this.clock, this.latencies.fsAdd(this.random) * 1000);
    await extend(device);
    this.model.addCapacity(this.host.devices.get(device) ?? 0);
  }
}
