import {
  createCompatibilityPolicy,
  createPredictivePolicy,
  StorageAutoscaler,
  type CapacityWaitOptions,
  type Clock,
  type CommandRunner,
  type FilesystemDriver,
  type ScalingPolicy,
  type SpaceReclaimer,
} from '@ebs-autoscale/core';
import { createEbsProvisioner, type EbsProvisioner, type EbsProvisionerOptions } from '@ebs-autoscale/provisioner-ebs';
import type { AgentConfig } from '../config/agent-config.js';
import { describeDistribution } from '../host/distribution.js';
import { resolveDriver, type ResolvedDriver } from '../host/prerequisites.js';
import { buildDriver } from './build-driver.js';

/** Options of {@link buildAgent}: where the outside world is, for tests and the demo. */
export interface BuildAgentOptions {
  /** The initial device(s) of the filesystem. */
  devices: readonly string[];
  /** Configuration of the EC2 client, e.g. the simulator's `{ endpoint, region, credentials }`. */
  ec2ClientConfig?: EbsProvisionerOptions['ec2ClientConfig'] | undefined;
  /** The IMDS endpoint, e.g. the simulator's. */
  metadataEndpoint?: string | undefined;
  /** Where the provisioner finds device nodes and sysfs (the loop-backed simulator has its own sandbox; the driver keeps the real ones). */
  devRoot?: string | undefined;
  sysRoot?: string | undefined;
  runner?: CommandRunner | undefined;
  clock?: Clock | undefined;
  /** Overrides of the autoscaler's capacity polling, for a demo on small devices. */
  capacity?: CapacityWaitOptions | undefined;
  /** Add an fstab line for the mount (install does; the demo does not). */
  fstabPath?: string | undefined;
  /**
   * The driver with its filesystem decided (see `resolveDriver`). Default: the configuration's, with
   * ext4 for an LVM layout that leaves the filesystem open.
   */
  driver?: ResolvedDriver | undefined;
  /** What frees space before a volume is bought (`configuredReclaimers`); default none. */
  reclaimers?: readonly SpaceReclaimer[] | undefined;
}

/** The wired agent. */
export interface BuiltAgent {
  readonly driver: FilesystemDriver;
  readonly provisioner: EbsProvisioner;
  readonly policy: ScalingPolicy;
  readonly autoscaler: StorageAutoscaler;
}

/** Turns a configuration into a driver, an EBS provisioner, a policy and the autoscaler that joins them. */
export function buildAgent(config: AgentConfig, options: BuildAgentOptions): BuiltAgent {
  const resolved = options.driver ?? resolveDriver(config.driver, describeDistribution(undefined));
  const driver = buildDriver(resolved, {
    mountPoint: config.mountPoint,
    devices: options.devices,
    ...(options.runner ? { runner: options.runner } : {}),
    ...(options.fstabPath ? { fstabPath: options.fstabPath } : {}),
  });
  const provisioner = createEbsProvisioner({
    mountPoint: config.mountPoint,
    volume: {
      type: config.volume.type,
      encrypted: config.volume.encrypted,
      ...(config.volume.iops === undefined ? {} : { iops: config.volume.iops }),
      ...(config.volume.throughput === undefined ? {} : { throughputMiBps: config.volume.throughput }),
      ...(config.volume.kmsKeyId ? { kmsKeyId: config.volume.kmsKeyId } : {}),
    },
    limits: {
      maxAttachedVolumes: config.limits.maxAttachedVolumes,
      maxTotalCreatedGiB: config.limits.maxTotalCreatedGiB,
      minVolumeGiB: config.limits.minVolumeGiB,
      maxVolumeGiB: config.limits.maxVolumeGiB,
      ...(Number.isFinite(config.limits.maxCreatedVolumes)
        ? { maxCreatedVolumes: config.limits.maxCreatedVolumes, maxOwnedVolumes: config.limits.maxCreatedVolumes }
        : {}),
    },
    orphans: config.reconcile.orphans,
    tags: { ...config.volume.tags },
    ...(options.ec2ClientConfig ? { ec2ClientConfig: options.ec2ClientConfig } : {}),
    ...(options.metadataEndpoint ? { metadataEndpoint: options.metadataEndpoint } : {}),
    ...(options.devRoot ? { devRoot: options.devRoot } : {}),
    ...(options.sysRoot ? { sysRoot: options.sysRoot } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const policy = buildPolicy(config);
  const autoscaler = new StorageAutoscaler({
    driver,
    provisioner,
    policy,
    recovery: { orphans: config.reconcile.orphans },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
    ...(options.reclaimers?.length ? { reclaimers: options.reclaimers } : {}),
    ...(config.growth?.hybrid ? { hybridGrowth: true } : {}),
    ...(config.shrink ? { shrink: config.shrink } : {}),
    ...(config.reclaim?.budgetMs === undefined && config.reclaim?.cooldownMs === undefined
      ? {}
      : {
          reclaim: {
            ...(config.reclaim.budgetMs === undefined ? {} : { budgetMs: config.reclaim.budgetMs }),
            ...(config.reclaim.cooldownMs === undefined ? {} : { cooldownMs: config.reclaim.cooldownMs }),
          },
        }),
  });
  return { driver, provisioner, policy, autoscaler };
}

/** The configured scaling policy. */
export function buildPolicy(config: AgentConfig): ScalingPolicy {
  const { limits, policy } = config;
  if (policy.kind === 'compatibility')
    return createCompatibilityPolicy({ initialThresholdPercent: policy.initialThresholdPercent, intervalMs: policy.intervalMs, limits });
  const { kind: _kind, ...options } = policy;
  return createPredictivePolicy({ ...options, limits });
}
