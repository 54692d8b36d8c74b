import { randomUUID } from 'node:crypto';
import type { Volume } from '@aws-sdk/client-ec2';
import {
  IsolatedEventEmitter,
  ProvisionerError,
  systemClock,
  type Clock,
  type OwnedVolume,
  type ProvisionedVolume,
  type ProvisionRequest,
  type ReconcileReport,
  type VolumeProvisioner,
} from '@ebs-autoscale/core';
import { attachAndDiscover, describeCleanup } from './attach.js';
import type { Ec2Api } from './ec2-api.js';
import { Ec2Caller } from './ec2-caller.js';
import { createEc2Api } from './ec2-client.js';
import { Ec2CallError } from './ec2-errors.js';
import type { EbsProvisionerEvents } from './events.js';
import { findVolumeDevice, type DeviceRoots } from './device-discovery.js';
import { createMetadataClient, fetchInstanceIdentity, type InstanceIdentity, type MetadataClient } from './instance-identity.js';
import { assertRoomForVolume, DEFAULT_EBS_LIMITS, type EbsLimits } from './limits.js';
import type { EbsProvisionerOptions } from './options.js';
import { reconcileOrphans } from './reconcile.js';
import { ModificationHistory } from './modification-rule.js';
import { resizeVolume } from './resize.js';
import { resolveSchedules, type EbsSchedules } from './schedules.js';
import { ownedVolumeFilters, tagValue, TAG_MOUNT_POINT, volumeTags, volumeTagSpecifications } from './tags.js';
import { validateVolumeSpec, type VolumeSpec } from './volume-types.js';
import type { ProvisionerContext } from './provisioner-context.js';
import { VolumeOps } from './volume-ops.js';

/**
 * The EBS {@link VolumeProvisioner}: creates, attaches and discovers EBS volumes for one mount point of
 * the instance it runs on, with limits checked before any mutating call, retries with jitter, and
 * domain errors. It makes no EC2 call unless one of its methods is called, and reads the instance
 * identity (IMDSv2) once.
 *
 * @example
 * ```ts
 * import { createEbsProvisioner } from '@ebs-autoscale/provisioner-ebs';
 *
 * const provisioner = createEbsProvisioner({ mountPoint: '/scratch', volume: { type: 'gp3' } });
 * provisioner.on('ec2:retry', (event) => console.warn(`${event.action} retry in ${event.delayMs} ms: ${event.error.message}`));
 * await provisioner.reconcile();
 * const { volumeId, device } = await provisioner.provision({ sizeGiB: 100 });
 * ```
 */
export class EbsProvisioner extends IsolatedEventEmitter<EbsProvisionerEvents> implements VolumeProvisioner {
  readonly name = 'ebs';
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly limits: EbsLimits;
  private readonly schedules: EbsSchedules;
  private readonly spec: VolumeSpec;
  private readonly metadata: MetadataClient;
  private readonly roots: DeviceRoots;
  private readonly failedDeviceNames: string[] = [];
  private readonly modifications = new ModificationHistory();
  private setup: Promise<{ identity: InstanceIdentity; ops: VolumeOps }> | undefined;
  /** Provision and reconcile run one at a time, so two of them never pick the same device name. */
  private exclusive: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EbsProvisionerOptions) {
    const clock = options.clock ?? systemClock;
    super(() => clock.now());
    this.clock = clock;
    this.random = options.random ?? Math.random;
    this.limits = { ...DEFAULT_EBS_LIMITS, ...options.limits };
    this.schedules = resolveSchedules(options.schedules);
    this.spec = { type: 'gp3', encrypted: true, ...options.volume };
    this.metadata = options.metadata ?? createMetadataClient(options.metadataEndpoint);
    this.roots = { devRoot: options.devRoot ?? '/dev', sysRoot: options.sysRoot ?? '/sys' };
    if (!options.mountPoint)
      throw new ProvisionerError('ebs', 'INVALID_ARGUMENT', 'mountPoint is required.', { hint: 'Pass the mount point this agent grows.' });
  }

  /** The instance identity, read over IMDSv2 on first use and cached. */
  async instanceIdentity(): Promise<InstanceIdentity> {
    return (await this.ready()).identity;
  }

  async provision(request: ProvisionRequest): Promise<ProvisionedVolume> {
    const { sizeGiB, signal } = request;
    if (!Number.isInteger(sizeGiB) || sizeGiB < 1) {
      throw new ProvisionerError('ebs', 'INVALID_ARGUMENT', `sizeGiB must be a whole number of GiB, got ${sizeGiB}.`);
    }
    validateVolumeSpec(this.spec, sizeGiB);
    return this.runExclusive(async () => {
      const context = await this.context();
      const { ops, identity } = context;
      const [instance, created] = await Promise.all([context.describeInstance(signal), this.describeOwned(ops, identity, undefined, signal)]);
      const attachedEbs = instance.BlockDeviceMappings?.filter((mapping) => mapping.Ebs) ?? [];
      assertRoomForVolume(
        {
          sizeGiB,
          instanceType: identity.instanceType,
          attachedVolumes: attachedEbs.length,
          attachedDataVolumes: attachedEbs.filter((mapping) => mapping.DeviceName !== instance.RootDeviceName).length,
          networkInterfaces: Math.max(1, instance.NetworkInterfaces?.length ?? 0),
          instanceStoreDisks: identity.blockDeviceMappings.filter((mapping) => mapping.name.startsWith('ephemeral')).length,
          created: created.map((volume) => ({ sizeGiB: volume.Size ?? 0, ours: tagValue(volume.Tags, TAG_MOUNT_POINT) === this.options.mountPoint })),
        },
        this.limits,
      );
      const volumeId = await this.createVolume(context, sizeGiB, signal);
      try {
        await ops.waitAvailable(volumeId, 'volumeAvailable', signal);
        const device = await attachAndDiscover(context, volumeId, instance, signal);
        return { volumeId, device, sizeGiB };
      } catch (error) {
        throw describeCleanup(error, volumeId, await ops.cleanup(volumeId));
      }
    });
  }

  async release(volumeId: string): Promise<void> {
    const { ops } = await this.context();
    const volume = await ops.describe(volumeId);
    if (!volume) return;
    this.assertOwned(volume, await this.instanceIdentity());
    await ops.detach(volumeId);
    await ops.delete(volumeId, 'released');
  }

  async list(): Promise<OwnedVolume[]> {
    const context = await this.context();
    const volumes = await this.describeOwned(context.ops, context.identity, this.options.mountPoint);
    return Promise.all(
      volumes.map(async (volume) => {
        const attachment = volume.Attachments?.find((entry) => entry.InstanceId === context.identity.instanceId);
        const device = attachment?.State === 'attached' ? await findVolumeDevice(volume.VolumeId ?? '', attachment.Device ?? '', this.roots) : undefined;
        return {
          volumeId: volume.VolumeId ?? '',
          sizeGiB: volume.Size ?? 0,
          state: volume.State ?? 'unknown',
          ...(device ? { device } : {}),
          ...(attachment ? { deleteOnTermination: attachment.DeleteOnTermination ?? false } : {}),
        };
      }),
    );
  }

  async resize(volumeId: string, sizeGiB: number): Promise<void> {
    const context = await this.context();
    const volume = await context.ops.describe(volumeId);
    if (!volume) throw new ProvisionerError('ebs', 'INVALID_ARGUMENT', `${volumeId} does not exist.`, { volumeId });
    this.assertOwned(volume, context.identity);
    await resizeVolume(context, volume, sizeGiB);
  }

  async reconcile(): Promise<ReconcileReport> {
    return this.runExclusive(async () => {
      const context = await this.context();
      const volumes = await this.describeOwned(context.ops, context.identity, this.options.mountPoint);
      return reconcileOrphans(context, volumes);
    });
  }

  /** CreateVolume with a ClientToken, so a retried request never makes a second volume. */
  private async createVolume(context: ProvisionerContext, sizeGiB: number, signal?: AbortSignal): Promise<string> {
    const { identity, ops } = context;
    const base = (this.options.clientToken ?? randomUUID)();
    const tags = volumeTags(identity, this.options.mountPoint, this.clock.now(), this.options.tags);
    // A token whose create failed asynchronously stays bound to that failure for hours, and one reused
    // with other parameters is refused: on IdempotentParameterMismatch derive a fresh token and go again.
    for (let generation = 0; ; generation += 1) {
      const clientToken = generation === 0 ? base : `${base}-${generation}`;
      try {
        const output = await ops.caller.call(
          'CreateVolume',
          (api) =>
            api.createVolume({
              AvailabilityZone: identity.availabilityZone,
              Size: sizeGiB,
              VolumeType: this.spec.type,
              ...(this.spec.iops !== undefined ? { Iops: this.spec.iops } : {}),
              ...(this.spec.throughputMiBps !== undefined ? { Throughput: this.spec.throughputMiBps } : {}),
              Encrypted: this.spec.encrypted !== false,
              ...(this.spec.kmsKeyId ? { KmsKeyId: this.spec.kmsKeyId } : {}),
              ClientToken: clientToken,
              TagSpecifications: volumeTagSpecifications(tags),
            }),
          signal ? { signal } : {},
        );
        if (!output.VolumeId) throw new ProvisionerError('ebs', 'INTERNAL', 'CreateVolume returned no volume id.');
        this.emit('volume:created', { at: this.clock.now(), volumeId: output.VolumeId, sizeGiB, volumeType: this.spec.type ?? 'gp3' });
        return output.VolumeId;
      } catch (error) {
        if (!(error instanceof Ec2CallError && error.kind === 'idempotency-mismatch') || generation >= 2) throw error;
      }
    }
  }

  /** Volumes created by this instance; with `mountPoint`, only that mount point's. */
  private async describeOwned(ops: VolumeOps, identity: InstanceIdentity, mountPoint?: string, signal?: AbortSignal): Promise<Volume[]> {
    const volumes: Volume[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await ops.caller.call(
        'DescribeVolumes',
        (api) => api.describeVolumes({ Filters: ownedVolumeFilters(identity.instanceId, mountPoint), MaxResults: 500, ...(token ? { NextToken: token } : {}) }),
        signal ? { signal } : {},
      );
      volumes.push(...(output.Volumes ?? []).filter((volume) => volume.State !== 'deleted' && volume.State !== 'deleting'));
      nextToken = output.NextToken;
    } while (nextToken);
    return volumes;
  }

  private assertOwned(volume: Volume, identity: InstanceIdentity): void {
    const owner = tagValue(volume.Tags, 'source-instance');
    if (owner !== identity.instanceId || tagValue(volume.Tags, TAG_MOUNT_POINT) !== this.options.mountPoint) {
      throw new ProvisionerError(
        'ebs',
        'INVALID_ARGUMENT',
        `${volume.VolumeId} is not a volume this agent owns (${this.options.mountPoint} on ${identity.instanceId}).`,
        {
          ...(volume.VolumeId ? { volumeId: volume.VolumeId } : {}),
          hint: 'Only volumes created by this agent are released or resized.',
        },
      );
    }
  }

  private ready(): Promise<{ identity: InstanceIdentity; ops: VolumeOps }> {
    this.setup ??= this.initialise().catch((error: unknown) => {
      this.setup = undefined; // a failed IMDS read is tried again on the next call
      throw error;
    });
    return this.setup;
  }

  private async initialise(): Promise<{ identity: InstanceIdentity; ops: VolumeOps }> {
    let api = this.options.ec2;
    let ops: VolumeOps | undefined;
    const opsFor = (region: string) => {
      api ??= createEc2Api(region, this.options.ec2ClientConfig);
      ops ??= new VolumeOps(
        new Ec2Caller(api as Ec2Api, this, this.clock, this.schedules.apiRetry, this.random),
        this,
        this.clock,
        this.schedules,
        this.random,
      );
      return ops;
    };
    const identity = await fetchInstanceIdentity(this.metadata, async (instanceId, region) => {
      const output = await opsFor(region).caller.call('DescribeInstances', (ec2) => ec2.describeInstances({ InstanceIds: [instanceId] }));
      const tags = output.Reservations?.[0]?.Instances?.[0]?.Tags ?? [];
      return tags.map((tag) => ({ key: tag.Key ?? '', value: tag.Value ?? '' }));
    });
    return { identity, ops: opsFor(identity.region) };
  }

  private async context(): Promise<ProvisionerContext> {
    const { identity, ops } = await this.ready();
    return {
      ops,
      identity,
      roots: this.roots,
      clock: this.clock,
      random: this.random,
      schedules: this.schedules,
      events: this,
      orphans: this.options.orphans ?? 'delete',
      failedDeviceNames: this.failedDeviceNames,
      modifications: this.modifications,
      describeInstance: async (signal) => {
        const output = await ops.caller.call(
          'DescribeInstances',
          (api) => api.describeInstances({ InstanceIds: [identity.instanceId] }),
          signal ? { signal } : {},
        );
        const instance = output.Reservations?.[0]?.Instances?.[0];
        if (!instance) throw new ProvisionerError('ebs', 'INTERNAL', `DescribeInstances does not know ${identity.instanceId}.`);
        return instance;
      },
    };
  }

  private runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(task, task);
    this.exclusive = run.catch(() => undefined);
    return run;
  }
}

/** Creates an {@link EbsProvisioner}. See {@link EbsProvisionerOptions} for the options and their defaults. */
export function createEbsProvisioner(options: EbsProvisionerOptions): EbsProvisioner {
  return new EbsProvisioner(options);
}
