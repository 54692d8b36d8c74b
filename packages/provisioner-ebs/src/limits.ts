import { ProvisionerError } from '@ebs-autoscale/core';

/** The limits checked before any mutating EC2 call. Defaults follow amazon-ebs-autoscale. */
export interface EbsLimits {
  /**
   * EBS volumes attached to the instance besides its root volume. Default 16; the instance type's own
   * attachment slots (root included) are checked as well. Core's `ScalingLimits.maxAttachedVolumes` and
   * amazon-ebs-autoscale's `max_ebs_volume_count` count the filesystem's volumes and never the root one,
   * so one value serves both; data volumes of other mount points count here too, never fewer.
   */
  maxAttachedVolumes: number;
  /** Volumes this agent owns (created by this instance for this mount point). Default 16. */
  maxOwnedVolumes: number;
  /** Volumes this instance created, across every mount point. Default 16. */
  maxCreatedVolumes: number;
  /** Total GiB of the volumes this instance created, across every mount point. Default 8000. */
  maxTotalCreatedGiB: number;
  /** Smallest volume provisioned, GiB. Default 1. The same name and meaning as core's `ScalingLimits.minVolumeGiB`. */
  minVolumeGiB: number;
  /** Largest volume provisioned, GiB. Default 16384 (16 TiB, the gp2/st1/sc1 maximum). The same as core's `ScalingLimits.maxVolumeGiB`. */
  maxVolumeGiB: number;
}

/** The default limits. */
export const DEFAULT_EBS_LIMITS: EbsLimits = {
  maxAttachedVolumes: 16,
  maxOwnedVolumes: 16,
  maxCreatedVolumes: 16,
  maxTotalCreatedGiB: 8000,
  minVolumeGiB: 1,
  maxVolumeGiB: 16_384,
};

/** The name of a limit, as errors report it. */
export type EbsLimitName = keyof EbsLimits | 'instanceAttachmentSlots';

/**
 * Families built on Xen, which allow up to 40 EBS attachments (more risks boot failures on Linux) that
 * are not shared with anything. Every other type is taken as Nitro, whose usual limit is 28 attachments
 * shared between EBS volumes, network interfaces and NVMe instance-store disks. Some newer Nitro types
 * have a larger dedicated EBS limit; treating them as 28-shared only ever stops us early, never lets an
 * attach fail. From the EC2 user guide, "Instance volume limits".
 */
const XEN_FAMILIES = new Set([
  't1',
  't2',
  'm1',
  'm2',
  'm3',
  'm4',
  'c1',
  'c3',
  'c4',
  'r3',
  'r4',
  'i2',
  'i3',
  'x1',
  'x1e',
  'd2',
  'h1',
  'g2',
  'g3',
  'g3s',
  'p2',
  'p3',
  'f1',
  'cc2',
  'cr1',
  'hs1',
]);

/** How many attachments the instance type allows, and whether network interfaces and instance store share them. */
export function instanceAttachmentLimit(instanceType: string): { slots: number; sharedWithInterfaces: boolean } {
  const family = instanceType.split('.')[0] ?? instanceType;
  if (XEN_FAMILIES.has(family)) return { slots: 40, sharedWithInterfaces: false };
  return { slots: 28, sharedWithInterfaces: true };
}

/** What the limit check looks at; all counts come from one DescribeInstances and one DescribeVolumes. */
export interface LimitInput {
  readonly sizeGiB: number;
  readonly instanceType: string;
  /** EBS volumes attached now, root included: what the instance type's slots count. */
  readonly attachedVolumes: number;
  /** EBS volumes attached now besides the root volume: what `maxAttachedVolumes` counts. */
  readonly attachedDataVolumes: number;
  readonly networkInterfaces: number;
  readonly instanceStoreDisks: number;
  /** Volumes created by this instance (any mount point), with their sizes and mount points. */
  readonly created: readonly { readonly sizeGiB: number; readonly ours: boolean }[];
}

/**
 * Throws `LIMIT_REACHED`, naming the limit, when one more volume of `sizeGiB` would break a limit of
 * the instance or of {@link EbsLimits}. Called before any mutating EC2 call.
 */
export function assertRoomForVolume(input: LimitInput, limits: EbsLimits): void {
  const reached = (limit: EbsLimitName, message: string) =>
    new ProvisionerError('ebs', 'LIMIT_REACHED', `Limit ${limit} reached: ${message}`, {
      hint:
        limit === 'instanceAttachmentSlots'
          ? 'Use a larger volume size, or an instance type with more attachment slots.'
          : `Raise ${limit} if this is intended, or clean up unused volumes.`,
    });
  if (input.sizeGiB < limits.minVolumeGiB) throw reached('minVolumeGiB', `${input.sizeGiB} GiB is below ${limits.minVolumeGiB} GiB.`);
  if (input.sizeGiB > limits.maxVolumeGiB) throw reached('maxVolumeGiB', `${input.sizeGiB} GiB is above ${limits.maxVolumeGiB} GiB.`);
  if (input.attachedDataVolumes + 1 > limits.maxAttachedVolumes) {
    throw reached(
      'maxAttachedVolumes',
      `${input.attachedDataVolumes} EBS volumes besides the root volume are attached and at most ${limits.maxAttachedVolumes} are allowed.`,
    );
  }
  const type = instanceAttachmentLimit(input.instanceType);
  const used = input.attachedVolumes + (type.sharedWithInterfaces ? input.networkInterfaces + input.instanceStoreDisks : 0);
  if (used + 1 > type.slots) {
    throw reached(
      'instanceAttachmentSlots',
      `${input.instanceType} has ${type.slots} attachment slots and ${used} are used${type.sharedWithInterfaces ? ' (EBS volumes, network interfaces and instance-store disks share them on Nitro)' : ''}.`,
    );
  }
  const owned = input.created.filter((volume) => volume.ours).length;
  if (owned + 1 > limits.maxOwnedVolumes) throw reached('maxOwnedVolumes', `this mount point already has ${owned} volumes.`);
  if (input.created.length + 1 > limits.maxCreatedVolumes) throw reached('maxCreatedVolumes', `this instance already created ${input.created.length} volumes.`);
  const total = input.created.reduce((sum, volume) => sum + volume.sizeGiB, 0);
  if (total + input.sizeGiB > limits.maxTotalCreatedGiB) {
    throw reached('maxTotalCreatedGiB', `this instance created ${total} GiB and ${input.sizeGiB} GiB more would exceed ${limits.maxTotalCreatedGiB} GiB.`);
  }
}
