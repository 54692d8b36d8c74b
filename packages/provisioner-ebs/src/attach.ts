import type { Instance } from '@aws-sdk/client-ec2';
import { hasErrorCode, ProvisionerError } from '@ebs-autoscale/core';
import { findVolumeDevice } from './device-discovery.js';
import { listDeviceNodes, pickDeviceName } from './device-names.js';
import { Ec2CallError } from './ec2-errors.js';
import type { ProvisionerContext } from './provisioner-context.js';
import { pollUntil } from './poll.js';

/** How many device names we try when EC2 says the chosen one is in use (its view can lag ours). */
const ATTACH_NAME_TRIES = 3;

/**
 * Attaches an `available` volume to this instance, sets DeleteOnTermination, and waits for its block
 * device to appear. Returns the device path. On failure the caller deletes the volume.
 */
export async function attachAndDiscover(context: ProvisionerContext, volumeId: string, instance: Instance, signal?: AbortSignal): Promise<string> {
  const { ops, identity, clock, events } = context;
  const deviceName = await attachWithFreeName(context, volumeId, instance, signal);
  await ops.waitAttached(volumeId, identity.instanceId, signal);
  await setDeleteOnTermination(context, volumeId, deviceName, signal);
  try {
    const device = await pollUntil(`the block device of ${volumeId}`, () => findVolumeDevice(volumeId, deviceName, context.roots), {
      clock,
      schedule: context.schedules.device,
      random: context.random,
      volumeId,
      skipFirstDelay: true,
      ...(signal ? { signal } : {}),
    });
    events.emit('device:discovered', { at: clock.now(), volumeId, device });
    return device;
  } catch (error) {
    if (!hasErrorCode(error, 'TIMEOUT')) throw error;
    // What the clean-up did is the caller's to say (see describeCleanup): this is thrown before it runs.
    throw new ProvisionerError(
      'ebs',
      'DEVICE_NOT_FOUND',
      `EC2 attached ${volumeId} as ${deviceName}, but no block device that can be opened appeared under ${context.roots.devRoot}.`,
      {
        volumeId,
        cause: error,
        retryable: true,
        hint: 'Check that the NVMe driver is loaded and udev is running (or that devRoot/sysRoot point at the right place).',
      },
    );
  }
}

/**
 * The error of a failed provision once its clean-up ran: a `DEVICE_NOT_FOUND` then says what the
 * clean-up actually did, deleted or still there with the id to delete by hand (issue 12, item 8).
 * Other errors pass unchanged.
 */
export function describeCleanup(error: unknown, volumeId: string, deleted: boolean): unknown {
  if (!hasErrorCode(error, 'DEVICE_NOT_FOUND') || !(error instanceof ProvisionerError)) return error;
  const outcome = deleted
    ? 'The volume was detached and deleted.'
    : `The clean-up failed, so ${volumeId} still exists: delete it by hand (\`aws ec2 detach-volume --force --volume-id ${volumeId}\` if it is attached, then \`aws ec2 delete-volume --volume-id ${volumeId}\`), or let the next start's reconcile do it.`;
  const message = error.message.replace(/^\[ebs-autoscale\] \[ebs\] /, '').replace(error.hint ? ` ${error.hint}` : '', '');
  return new ProvisionerError('ebs', 'DEVICE_NOT_FOUND', message, {
    volumeId,
    cause: error.cause,
    retryable: true,
    hint: `${error.hint ?? ''} ${outcome}`.trim(),
  });
}

/** Picks a free device name and attaches; a name EC2 calls "in use" goes to the back of the list and the next is tried. */
async function attachWithFreeName(context: ProvisionerContext, volumeId: string, instance: Instance, signal?: AbortSignal): Promise<string> {
  const { ops, identity, clock, events, failedDeviceNames } = context;
  const taken = [
    ...(instance.BlockDeviceMappings ?? []).map((mapping) => mapping.DeviceName ?? ''),
    ...identity.blockDeviceMappings.map((mapping) => mapping.device),
    ...(instance.RootDeviceName ? [instance.RootDeviceName] : []),
  ];
  for (let attempt = 1; ; attempt += 1) {
    const deviceName = pickDeviceName({ taken, existingNodes: await listDeviceNodes(context.roots.devRoot), recentlyFailed: failedDeviceNames });
    if (!deviceName) {
      throw new ProvisionerError('ebs', 'LIMIT_REACHED', 'Limit deviceNames reached: every device name from /dev/xvdba to /dev/xvdcz is taken.', { volumeId });
    }
    try {
      await ops.caller.call('AttachVolume', (api) => api.attachVolume({ VolumeId: volumeId, InstanceId: identity.instanceId, Device: deviceName }), {
        volumeId,
        ...(signal ? { signal } : {}),
      });
      events.emit('volume:attached', { at: clock.now(), volumeId, deviceName });
      return deviceName;
    } catch (error) {
      if (!(error instanceof Ec2CallError && error.kind === 'device-in-use') || attempt >= ATTACH_NAME_TRIES) throw error;
      const index = failedDeviceNames.indexOf(deviceName);
      if (index >= 0) failedDeviceNames.splice(index, 1);
      failedDeviceNames.push(deviceName);
    }
  }
}

/** Marks the attachment DeleteOnTermination, so terminating the instance never leaks the volume. */
export async function setDeleteOnTermination(context: ProvisionerContext, volumeId: string, deviceName: string, signal?: AbortSignal): Promise<void> {
  await context.ops.caller.call(
    'ModifyInstanceAttribute',
    (api) =>
      api.modifyInstanceAttribute({
        InstanceId: context.identity.instanceId,
        BlockDeviceMappings: [{ DeviceName: deviceName, Ebs: { VolumeId: volumeId, DeleteOnTermination: true } }],
      }),
    { volumeId, retryOn: ['throttled', 'server', 'network', 'incorrect-state'], ...(signal ? { signal } : {}) },
  );
}
