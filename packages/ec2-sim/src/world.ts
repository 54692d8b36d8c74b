import type { Clock } from '@ebs-autoscale/core';
import { instanceNotFound, volumeNotFound } from './api-error.js';
import type { Backing } from './backing/backing.js';
import type { Faults } from './faults.js';
import { sampleLatency, type LatencyProfile } from './latency.js';
import type { SimInstanceInfo } from './options.js';
import { newResourceId, Scheduler, type SimVolumeView, type VolumeRecord } from './state.js';

/** Everything the simulator knows, and the services actions and transitions share. */
export class SimWorld {
  readonly volumes = new Map<string, VolumeRecord>();
  /** Tags by resource id (volumes and the instance). */
  readonly tags = new Map<string, Map<string, string>>();
  /** CreateVolume idempotency: token → request fingerprint and the volume it created. */
  readonly clientTokens = new Map<string, { fingerprint: string; volumeId: string }>();
  readonly scheduler: Scheduler;
  private seq = 0;
  private backingChain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(
    readonly clock: Clock,
    readonly random: () => number,
    readonly latencies: LatencyProfile,
    readonly faults: Faults,
    readonly backing: Backing,
    readonly instance: SimInstanceInfo,
    readonly accountId: string,
  ) {
    this.scheduler = new Scheduler(clock);
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  newId(prefix: string): string {
    return newResourceId(prefix, this.random);
  }

  now(): Date {
    return new Date(this.clock.now());
  }

  latency(kind: keyof LatencyProfile): number {
    return sampleLatency(this.latencies[kind], this.random);
  }

  /** A volume visible in `region`, or `InvalidVolume.NotFound`. */
  volume(volumeId: string, region: string): VolumeRecord {
    const volume = this.volumes.get(volumeId);
    if (!volume || volume.region !== region || volume.state === 'deleted') throw volumeNotFound(volumeId);
    return volume;
  }

  /** The instance if it lives in `region`, or `InvalidInstanceID.NotFound`. */
  requireInstance(instanceId: string, region: string): SimInstanceInfo {
    if (instanceId !== this.instance.instanceId || region !== this.instance.region) throw instanceNotFound(instanceId);
    return this.instance;
  }

  tagsOf(resourceId: string): Map<string, string> {
    let tags = this.tags.get(resourceId);
    if (!tags) this.tags.set(resourceId, (tags = new Map()));
    return tags;
  }

  /** Volumes attached (in any attachment state) to the instance. */
  attachedTo(instanceId: string): VolumeRecord[] {
    return [...this.volumes.values()].filter((volume) => volume.attachment?.instanceId === instanceId);
  }

  /**
   * Runs backing work (losetup, sandbox files) one job at a time, off the request path. A failure is
   * recorded on the volume rather than thrown, as a real device that never shows up would be.
   */
  enqueueBacking(volume: VolumeRecord | undefined, job: () => Promise<void>): void {
    this.inFlight += 1;
    this.backingChain = this.backingChain
      .then(job)
      .catch((error: unknown) => {
        if (volume) volume.backingError = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        this.inFlight -= 1;
        if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
  }

  /** Resolves when no backing work is queued or running. */
  settled(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  view(volume: VolumeRecord): SimVolumeView {
    return {
      volumeId: volume.id,
      region: volume.region,
      availabilityZone: volume.availabilityZone,
      sizeGiB: volume.sizeGiB,
      volumeType: volume.volumeType,
      state: volume.state,
      attachment: volume.attachment && {
        instanceId: volume.attachment.instanceId,
        device: volume.attachment.device,
        state: volume.attachment.state,
        deleteOnTermination: volume.attachment.deleteOnTermination,
      },
      tags: Object.fromEntries(this.tagsOf(volume.id)),
      device: volume.device,
      loopDevice: volume.loopDevice,
      backingError: volume.backingError,
    };
  }
}
