import type { Volume } from '@aws-sdk/client-ec2';
import { ProvisionerError, type Clock, type IsolatedEventEmitter } from '@ebs-autoscale/core';
import type { Ec2Caller } from './ec2-caller.js';
import { Ec2CallError } from './ec2-errors.js';
import type { EbsProvisionerEvents } from './events.js';
import { pollUntil } from './poll.js';
import type { EbsSchedules } from './schedules.js';

/** The volume-level steps shared by provision, release, reconcile and resize: describe, wait, detach, delete. */
export class VolumeOps {
  constructor(
    readonly caller: Ec2Caller,
    private readonly events: IsolatedEventEmitter<EbsProvisionerEvents>,
    private readonly clock: Clock,
    readonly schedules: EbsSchedules,
    private readonly random: () => number,
  ) {}

  /** The volume, or undefined when EC2 does not know it. */
  async describe(volumeId: string, signal?: AbortSignal): Promise<Volume | undefined> {
    try {
      const output = await this.caller.call('DescribeVolumes', (api) => api.describeVolumes({ VolumeIds: [volumeId] }), {
        volumeId,
        ...(signal ? { signal } : {}),
      });
      return output.Volumes?.[0];
    } catch (error) {
      if (error instanceof Ec2CallError && error.kind === 'not-found') return undefined;
      throw error;
    }
  }

  /**
   * Waits until `volumeId` is `available`. A volume that goes to `error` (e.g. a KMS key it cannot use)
   * fails with `VOLUME_FAILED`; right after CreateVolume, "not found" only means EC2 has not caught up.
   */
  async waitAvailable(volumeId: string, phase: 'volumeAvailable' | 'attachment', signal?: AbortSignal): Promise<Volume> {
    return pollUntil(
      `${volumeId} to become available`,
      async () => {
        const volume = await this.describe(volumeId, signal);
        if (volume?.State === 'error') {
          throw new ProvisionerError('ebs', 'VOLUME_FAILED', `${volumeId} went to the error state.`, {
            volumeId,
            retryable: true,
            hint: 'Often a KMS key the role cannot use (kms:CreateGrant, kms:GenerateDataKeyWithoutPlaintext); the agent deletes it and retries later.',
          });
        }
        return volume?.State === 'available' ? volume : undefined;
      },
      { clock: this.clock, schedule: this.schedules[phase], random: this.random, volumeId, ...(signal ? { signal } : {}) },
    );
  }

  /** Waits until the attachment of `volumeId` to `instanceId` is `attached`. */
  async waitAttached(volumeId: string, instanceId: string, signal?: AbortSignal): Promise<Volume> {
    return pollUntil(
      `${volumeId} to attach`,
      async () => {
        const volume = await this.describe(volumeId, signal);
        const attachment = volume?.Attachments?.find((entry) => entry.InstanceId === instanceId);
        return attachment?.State === 'attached' ? volume : undefined;
      },
      { clock: this.clock, schedule: this.schedules.attachment, random: this.random, volumeId, ...(signal ? { signal } : {}) },
    );
  }

  /**
   * Detaches `volumeId` if it is attached and waits until it is `available`. A volume in the `error`
   * state was never attached and never becomes available: there is nothing to wait for, and waiting
   * would fail with `VOLUME_FAILED` again, so the clean-up never reached its delete (issue 12, item 5).
   */
  async detach(volumeId: string, options: { force?: boolean } = {}): Promise<void> {
    const volume = await this.describe(volumeId);
    if (!volume || volume.State === 'available' || volume.State === 'error') return;
    const attachment = volume.Attachments?.find((entry) => entry.State === 'attached' || entry.State === 'attaching');
    if (attachment) {
      // InstanceId is optional on AWS and free to send; moto answers a DetachVolume without it with HTTP 500.
      const instance = attachment.InstanceId ? { InstanceId: attachment.InstanceId } : {};
      await this.caller.call('DetachVolume', (api) => api.detachVolume({ VolumeId: volumeId, ...instance, ...(options.force ? { Force: true } : {}) }), {
        volumeId,
        retryOn: ['throttled', 'server', 'network', 'incorrect-state'],
      });
    }
    await this.waitAvailable(volumeId, 'attachment');
  }

  /** Deletes `volumeId`; a volume already gone counts as deleted. */
  async delete(volumeId: string, reason: 'released' | 'cleanup' | 'orphan'): Promise<void> {
    try {
      // Right after a detach EC2 may still say VolumeInUse for a moment: that is worth retrying.
      await this.caller.call('DeleteVolume', (api) => api.deleteVolume({ VolumeId: volumeId }), {
        volumeId,
        retryOn: ['throttled', 'server', 'network', 'incorrect-state'],
      });
    } catch (error) {
      if (!(error instanceof Ec2CallError && error.kind === 'not-found')) throw error;
    }
    this.events.emit('volume:deleted', { at: this.clock.now(), volumeId, reason });
  }

  /**
   * Best-effort clean-up after a failed provision: detach (forced: the volume never held data) and delete.
   * Returns whether the volume is gone, so the caller's error can say so; a failure here is also
   * reported as an `error` event, and `reconcile()` catches what is left.
   */
  async cleanup(volumeId: string): Promise<boolean> {
    try {
      await this.detach(volumeId, { force: true });
      await this.delete(volumeId, 'cleanup');
      return true;
    } catch (error) {
      this.events.emit('error', { at: this.clock.now(), error: error as Error, context: `clean-up of ${volumeId}; reconcile() will retry it` });
      return false;
    }
  }
}
