import type { Clock, CommandRunner } from '@ebs-autoscale/core';
import type { VolumeModificationRule } from './modification-rule.js';
import type { LatencyProfile, LatencyProfileName } from './latency.js';
import type { ThrottleLimits } from './throttling.js';

/** `memory`: EC2 state only, no devices. `loop` (root only): attached volumes become loop devices in a Nitro-shaped sandbox. */
export type SimBackingKind = 'memory' | 'loop';

/** The one instance the simulator pre-creates. Every field has a default in {@link DEFAULT_INSTANCE}. */
export interface SimInstanceOptions {
  instanceId?: string;
  /** The region is this minus its last letter, as in EC2. */
  availabilityZone?: string;
  instanceType?: string;
  imageId?: string;
  /** Instance tags, also served by IMDS under `tags/instance/` when `tagsInMetadata` is on. */
  tags?: Record<string, string>;
  rootDeviceName?: string;
  rootVolumeSizeGiB?: number;
  /** The instance's `InstanceMetadataTags` option. Default true. */
  tagsInMetadata?: boolean;
}

/** The pre-created instance as the simulator reports it. */
export interface SimInstanceInfo {
  readonly instanceId: string;
  readonly availabilityZone: string;
  readonly region: string;
  readonly instanceType: string;
  readonly imageId: string;
  readonly rootDeviceName: string;
  readonly rootVolumeId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly tagsInMetadata: boolean;
}

/**
 * The default instance. Its tags include a key with `:` and `-`, a value with spaces, and an `aws:`
 * tag, because those are the cases that IMDS tag paths and tag filters get wrong. Every key is one
 * EC2 accepts with tags in instance metadata on (no space, no `/`: see `metadataTagKeyProblem`).
 */
export const DEFAULT_INSTANCE: Required<SimInstanceOptions> = {
  instanceId: 'i-0123456789abcdef0',
  availabilityZone: 'us-east-1a',
  instanceType: 'm5.large',
  imageId: 'ami-0abcdef1234567890',
  tags: {
    Name: 'ebs-autoscale-sim',
    'team:storage-ops': 'disk growth: on',
    'aws:cloudformation:stack-name': 'sim-stack',
  },
  rootDeviceName: '/dev/xvda',
  rootVolumeSizeGiB: 8,
  tagsInMetadata: true,
};

/** Options of {@link startEc2Simulator}. See the README for the table of defaults. */
export interface Ec2SimulatorOptions {
  /** Default `memory`. */
  backing?: SimBackingKind | undefined;
  /** Where sparse files and the sandbox `dev/` and `sys/` live. Default: a new temp dir, removed on close. */
  stateDir?: string | undefined;
  /**
   * Bytes of real device per GiB of volume, for the loop backing. Default 1 GiB. Tests set e.g.
   * 64 MiB so a "1 GiB" volume is a small real device; the API still reports GiB sizes.
   */
  bytesPerGiB?: number | undefined;
  /** EC2 endpoint port on 127.0.0.1. Default 0 (ephemeral). */
  port?: number | undefined;
  /** IMDS port on 127.0.0.1. Default 0 (ephemeral). */
  imdsPort?: number | undefined;
  /** Default `realistic`; `quick` is a quarter of it, for demos. A partial profile is merged onto the realistic one. */
  latencies?: LatencyProfileName | Partial<LatencyProfile> | undefined;
  /** Seed of the latency RNG. Default 1. */
  seed?: number | undefined;
  /** Default `systemClock`. Every timer of the simulator goes through it. */
  clock?: Clock | undefined;
  instance?: SimInstanceOptions | undefined;
  /** Default `123456789012`. */
  accountId?: string | undefined;
  /** `false` disables throttling; a partial object overrides some action classes. */
  throttling?: false | Partial<ThrottleLimits> | undefined;
  /** Runs `losetup` for the loop backing. Default `createExecaRunner()`. */
  runner?: CommandRunner | undefined;
  /** How often one volume may be modified. Default `4-per-24h`, EBS's rule today; `6h-cooldown` is the rule before it. */
  volumeModificationRule?: VolumeModificationRule | undefined;
}

/** Region of an availability zone: `us-east-1a` → `us-east-1`. */
export function regionOf(availabilityZone: string): string {
  return availabilityZone.replace(/[a-z]$/, '');
}
