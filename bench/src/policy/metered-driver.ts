import { sleep, type Clock, type DriverCapabilities, type FilesystemDriver, type UsageSnapshot } from '@ebs-autoscale/core';
import type { InMemoryDriver, MemoryHost } from '@ebs-autoscale/core/testing';
import type { Random } from '../sim/random.js';
import type { FillModel } from './fill-model.js';
import type { Latencies } from './latencies.js';

/**
 * Core's in-memory driver with the time a real `btrfs device add` takes, telling the fill model the
 * moment the new capacity is there. Everything else is the inner driver's.
 */
export class MeteredDriver implements FilesystemDriver {
  readonly name = 'metered-memory';
  readonly capabilities: DriverCapabilities;
  readonly mountPoint: string;

  constructor(
    private readonly inner: InMemoryDriver,
    private readonly host: MemoryHost,
    private readonly model: FillModel,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly latencies: Latencies,
  ) {
    this.capabilities = inner.capabilities;
    this.mountPoint = inner.mountPoint;
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

  async extend(device: string): Promise<void> {
    await sleep(this.clock, this.latencies.fsAdd(this.random) * 1000);
    await this.inner.extend(device);
    this.model.addCapacity(this.host.devices.get(device) ?? 0);
  }
}
