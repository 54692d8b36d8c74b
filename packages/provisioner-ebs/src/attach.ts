import type { Instance } from '@aws-sdk/client-ec2';
import { hasErrorCode, ProvisionerError } from '@ebs-autoscale/core';
import { findVolumeDevice } from './device-discovery.js';
import { listDeviceNodes, pickDeviceName } from './device-names.js';
import { Ec2CallError } from './ec2-errors.js';
import type { ProvisionerContext } from './ebs-provisioner.js';
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
    throw new ProvisionerError('ebs', 'DEVICE_NOT_FOUND', `EC2 attached ${volumeId} as ${deviceName}, but no block device appeared under ${context.roots.devRoot}.`, {
      volumeId,
      cause: error,
      retryable: true,
      hint: 'Check that the NVMe driver is loaded and udev is running (or that devRoot/sysRoot point at the right place); the volume was detached and deleted.',
    });
  }
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
