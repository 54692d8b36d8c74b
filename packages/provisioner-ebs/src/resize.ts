import type { Volume } from '@aws-sdk/client-ec2';
import { ProvisionerError } from '@ebs-autoscale/core';
import { Ec2CallError } from './ec2-errors.js';
import type { ProvisionerContext } from './ebs-provisioner.js';
import { pollUntil } from './poll.js';
import { validateVolumeSpec, type EbsVolumeType } from './volume-types.js';

/** EBS allows one modification per volume in this window ("Requirements for EBS volume modifications"). */
export const MODIFICATION_COOLDOWN_MS = 6 * 60 * 60 * 1000;

/** ModifyVolume refused because the volume was modified within the last ~6 hours. */
export class VolumeModificationCooldownError extends ProvisionerError {
  override readonly name: string = 'VolumeModificationCooldownError';
  /** When the volume may be modified again (estimated from the last modification's start). */
  readonly retryAt: Date;

  constructor(volumeId: string, retryAt: Date, cause: unknown) {
    super('ebs', 'LIMIT_REACHED', `Limit modificationCooldown reached: ${volumeId} was modified less than 6 hours ago; it may be resized again after ${retryAt.toISOString()}.`, {
      volumeId,
      cause,
      retryable: true,
      hint: 'Wait until then, or grow by adding a volume instead.',
    });
    this.retryAt = retryAt;
  }
}

/**
 * Grows a volume in place with ModifyVolume and waits until the modification is `optimizing` (the new
 * size is usable, performance still settling) or `completed`.
 */
export async function resizeVolume(context: ProvisionerContext, volume: Volume, sizeGiB: number): Promise<void> {
  const volumeId = volume.VolumeId ?? '';
  const current = volume.Size ?? 0;
  if (!Number.isInteger(sizeGiB) || sizeGiB <= current) {
    throw new ProvisionerError('ebs', 'INVALID_ARGUMENT', `An EBS volume can only grow: ${volumeId} is ${current} GiB, asked for ${sizeGiB}.`, { volumeId });
  }
  validateVolumeSpec({ type: (volume.VolumeType ?? 'gp3') as EbsVolumeType, ...(volume.VolumeType === 'io1' || volume.VolumeType === 'io2' ? { iops: 100 } : {}) }, sizeGiB);
  const { ops, clock } = context;
  try {
    await ops.caller.call('ModifyVolume', (api) => api.modifyVolume({ VolumeId: volumeId, Size: sizeGiB }), { volumeId });
  } catch (error) {
    if (!(error instanceof Ec2CallError && error.kind === 'modification-rate')) throw error;
    const last = await lastModificationStart(context, volumeId).catch(() => undefined);
    throw new VolumeModificationCooldownError(volumeId, new Date((last ?? clock.now()) + MODIFICATION_COOLDOWN_MS), error);
  }
  await pollUntil(
    `the modification of ${volumeId} to reach optimizing`,
    async () => {
      const output = await ops.caller.call('DescribeVolumesModifications', (api) => api.describeVolumesModifications({ VolumeIds: [volumeId] }), {
        volumeId,
        retryOn: ['throttled', 'server', 'network', 'not-found'],
      });
      const modification = output.VolumesModifications?.[0];
      if (modification?.ModificationState === 'failed') {
        throw new ProvisionerError('ebs', 'VOLUME_FAILED', `The modification of ${volumeId} failed: ${modification.StatusMessage ?? 'no reason given'}.`, { volumeId });
      }
      const state = modification?.ModificationState;
      return state === 'optimizing' || state === 'completed' ? true : undefined;
    },
    { clock, schedule: context.schedules.modification, random: context.random, volumeId, skipFirstDelay: true },
  );
}

async function lastModificationStart(context: ProvisionerContext, volumeId: string): Promise<number | undefined> {
  const output = await context.ops.caller.call('DescribeVolumesModifications', (api) => api.describeVolumesModifications({ VolumeIds: [volumeId] }), { volumeId });
  const start = output.VolumesModifications?.[0]?.StartTime;
  return start ? new Date(start).getTime() : undefined;
}
