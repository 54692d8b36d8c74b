import { sleep, type Clock, type OwnedVolume, type ProvisionedVolume, type ProvisionRequest, type VolumeProvisioner } from '@ebs-autoscale/core';
import type { InMemoryProvisioner } from '@ebs-autoscale/core/testing';
import type { Random } from '../sim/random.js';
import type { Latencies } from './latencies.js';

/** EC2 calls made, by action. */
export type Ec2CallCounts = Record<string, number>;

/** Options of {@link EbsLatencyProvisioner}. */
export interface EbsLatencyProvisionerOptions {
  inner: InMemoryProvisioner;
  clock: Clock;
  random: Random;
  latencies: Latencies;
  /** First DescribeVolumes wait, s, doubled per poll and drawn with full jitter. Default 1. */
  pollBaseSeconds?: number;
  /** Cap of one DescribeVolumes wait, s. Default 8. */
  pollCapSeconds?: number;
}

/**
 * Core's in-memory provisioner behind the timeline of the SDK path of an EBS provisioner: CreateVolume
 * (tags in TagSpecifications), DescribeVolumes polled with exponential backoff and full jitter until
 * `available`, AttachVolume, DescribeVolumes until `attached`, the device appearing, then
 * ModifyInstanceAttribute for DeleteOnTermination. No process start-up anywhere: one SDK client.
 */
export class EbsLatencyProvisioner implements VolumeProvisioner {
  readonly name = 'ebs-latency';
  readonly ec2Calls: Ec2CallCounts = {};
  private readonly options: Required<EbsLatencyProvisionerOptions>;

  constructor(options: EbsLatencyProvisionerOptions) {
    this.options = { pollBaseSeconds: 1, pollCapSeconds: 8, ...options };
  }

  async provision(request: ProvisionRequest): Promise<ProvisionedVolume> {
    const { clock, latencies, random } = this.options;
    await this.call('CreateVolume', request.signal);
    const availableAt = clock.now() + latencies.create(random) * 1000;
    await this.pollUntil(availableAt, request.signal);
    await this.call('AttachVolume', request.signal);
    const attachedAt = clock.now() + latencies.attach(random) * 1000;
    await this.pollUntil(attachedAt, request.signal);
    await sleep(clock, latencies.deviceVisible(random) * 1000, request.signal);
    await this.call('ModifyInstanceAttribute', request.signal);
    return this.options.inner.provision({ sizeGiB: request.sizeGiB });
  }

  release(volumeId: string): Promise<void> {
    return this.options.inner.release(volumeId);
  }

  list(): Promise<OwnedVolume[]> {
    return this.options.inner.list();
  }

  /** Total EC2 calls. */
  get totalCalls(): number {
    return Object.values(this.ec2Calls).reduce((sum, n) => sum + n, 0);
  }

  private async call(action: string, signal?: AbortSignal): Promise<void> {
    this.ec2Calls[action] = (this.ec2Calls[action] ?? 0) + 1;
    await sleep(this.options.clock, this.options.latencies.api(this.options.random) * 1000, signal);
  }

  private async pollUntil(readyAt: number, signal?: AbortSignal): Promise<void> {
    const { clock, random, pollBaseSeconds, pollCapSeconds } = this.options;
    for (let attempt = 0; ; attempt += 1) {
      const waitMs = random() * Math.min(pollCapSeconds, pollBaseSeconds * 2 ** attempt) * 1000;
      await sleep(clock, waitMs, signal);
      await this.call('DescribeVolumes', signal);
      if (clock.now() >= readyAt) return;
    }
  }
}
