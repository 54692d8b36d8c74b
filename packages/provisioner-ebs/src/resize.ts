import type { Volume } from '@aws-sdk/client-ec2';
import { ProvisionerError } from '@ebs-autoscale/core';
import { Ec2CallError } from './ec2-errors.js';
import type { ProvisionerContext } from './provisioner-context.js';
import { MODIFICATION_RULE } from './modification-rule.js';
import { pollUntil } from './poll.js';
import { validateVolumeSpec, type EbsVolumeType } from './volume-types.js';

/**
 * ModifyVolume refused by EBS's modification rule ({@link MODIFICATION_RULE}): four modifications of
 * the volume within 24 hours, or one still in progress.
 */
export class VolumeModificationRateError extends ProvisionerError {
  override readonly name: string = 'VolumeModificationRateError';
  /** When the volume may be modified again (see `ModificationHistory.retryAt`). */
  readonly retryAt: Date;

  constructor(volumeId: string, reason: 'rate' | 'in-progress', retryAt: Date, cause: unknown) {
    const why =
      reason === 'rate'
        ? `${volumeId} has had ${MODIFICATION_RULE.perWindow} modifications within 24 hours, the most EBS allows`
        : `the last modification of ${volumeId} has not reached \`completed\` yet, and EBS allows no other until it has`;
    super('ebs', 'LIMIT_REACHED', `Limit modificationRate reached: ${why}; it may be resized again after ${retryAt.toISOString()}.`, {
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
  validateVolumeSpec(
    { type: (volume.VolumeType ?? 'gp3') as EbsVolumeType, ...(volume.VolumeType === 'io1' || volume.VolumeType === 'io2' ? { iops: 100 } : {}) },
    sizeGiB,
  );
  const { ops, clock } = context;
  try {
    await ops.caller.call('ModifyVolume', (api) => api.modifyVolume({ VolumeId: volumeId, Size: sizeGiB }), { volumeId });
    context.modifications.record(volumeId, clock.now());
  } catch (error) {
    if (!(error instanceof Ec2CallError)) throw error;
    if (error.kind === 'modification-rate') {
      const last = await lastModificationStart(context, volumeId).catch(() => undefined);
      throw new VolumeModificationRateError(volumeId, 'rate', context.modifications.retryAt(volumeId, clock.now(), last), error);
    }
    // How long optimizing takes is not known in advance (up to hours on a large volume); the next
    // attempt after one poll interval of the modification schedule asks again.
    if (error.kind === 'modification-in-progress') {
      throw new VolumeModificationRateError(volumeId, 'in-progress', new Date(clock.now() + context.schedules.modification.maxDelayMs), error);
    }
    throw error;
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
        throw new ProvisionerError('ebs', 'VOLUME_FAILED', `The modification of ${volumeId} failed: ${modification.StatusMessage ?? 'no reason given'}.`, {
          volumeId,
        });
      }
      const state = modification?.ModificationState;
      return state === 'optimizing' || state === 'completed' ? true : undefined;
    },
    { clock, schedule: context.schedules.modification, random: context.random, volumeId, skipFirstDelay: true },
  );
}

async function lastModificationStart(context: ProvisionerContext, volumeId: string): Promise<number | undefined> {
  const output = await context.ops.caller.call('DescribeVolumesModifications', (api) => api.describeVolumesModifications({ VolumeIds: [volumeId] }), {
    volumeId,
  });
  const start = output.VolumesModifications?.[0]?.StartTime;
  return start ? new Date(start).getTime() : undefined;
}
