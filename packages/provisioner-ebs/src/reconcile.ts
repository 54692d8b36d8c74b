import type { Volume } from '@aws-sdk/client-ec2';
import type { ReconcileReport } from '@ebs-autoscale/core';
import { attachAndDiscover, describeCleanup, setDeleteOnTermination } from './attach.js';
import type { ProvisionerContext } from './provisioner-context.js';

/**
 * Repairs what a crash left among this mount point's volumes: an `available` one (created, never
 * attached) is attached or deleted per `context.orphans`; an attachment to this instance without
 * DeleteOnTermination gets it. One that is still `creating` is waited for first.
 *
 * Why this deletes without core's release guard (`proveUnused`): it deletes only volumes EC2 reports
 * `available` or `error`, which are attached to no instance, so none can be a device of a filesystem
 * mounted here. An attached volume (`in-use`) is never deleted here, whether or not its device can be
 * seen; start-up's stray handling judges those, through the guard.
 */
export async function reconcileOrphans(context: ProvisionerContext, volumes: readonly Volume[]): Promise<ReconcileReport> {
  const report = { attached: [] as string[], deleted: [] as string[], deleteOnTerminationSet: [] as string[] };
  const { ops, identity } = context;
  for (const found of volumes) {
    const volumeId = found.VolumeId;
    if (!volumeId) continue;
    const volume = found.State === 'creating' ? await ops.waitAvailable(volumeId, 'volumeAvailable') : found;
    if (volume.State === 'available' || volume.State === 'error') {
      if (context.orphans === 'attach' && volume.State === 'available') {
        try {
          await attachAndDiscover(context, volumeId, await context.describeInstance());
          report.attached.push(volumeId);
        } catch (error) {
          const deleted = await ops.cleanup(volumeId);
          if (deleted) report.deleted.push(volumeId);
          const outcome = deleted ? 'it was deleted' : 'its clean-up failed too, so it still exists (the next start tries again)';
          context.events.emit('error', {
            at: context.clock.now(),
            error: describeCleanup(error, volumeId, deleted) as Error,
            context: `attaching orphan ${volumeId}; ${outcome}`,
          });
        }
      } else {
        await ops.delete(volumeId, 'orphan');
        report.deleted.push(volumeId);
      }
      continue;
    }
    const attachment = volume.Attachments?.find((entry) => entry.InstanceId === identity.instanceId);
    if (attachment?.State === 'attached' && attachment.DeleteOnTermination !== true && attachment.Device) {
      await setDeleteOnTermination(context, volumeId, attachment.Device);
      report.deleteOnTerminationSet.push(volumeId);
    }
  }
  return report;
}
