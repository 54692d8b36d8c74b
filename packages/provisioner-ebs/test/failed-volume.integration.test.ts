// A volume that reaches the `error` state during provision (issue 12, item 5), through the real SDK
// against ec2-sim's fault injection.
import { hasErrorCode } from '@ebs-autoscale/core';
import { afterEach, expect, it } from 'vitest';
import { liveVolumes, startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

it('deletes a volume that goes to the error state at once, as the VOLUME_FAILED hint says, not at the next reconcile', async () => {
  harness = await startHarness();
  const { sim, provisioner } = harness;
  const created: string[] = [];
  const deleted: string[] = [];
  provisioner.on('volume:created', (event) => created.push(event.volumeId));
  const cleanupErrors: string[] = [];
  provisioner.on('volume:deleted', (event) => deleted.push(event.volumeId));
  provisioner.on('error', (event) => cleanupErrors.push(`${event.context}: ${event.error.message}`));
  sim.faults.volumeError();

  const error = await provisioner.provision({ sizeGiB: 5 }).catch((thrown: unknown) => thrown);
  expect(hasErrorCode(error, 'VOLUME_FAILED'), String(error)).toBe(true);
  expect(cleanupErrors).toEqual([]);
  expect(created).toHaveLength(1);
  expect(deleted).toEqual(created);
  expect(sim.stats().calls.DeleteVolume).toBe(1);
  expect(liveVolumes(sim)).toEqual([]);

  // The next provision is an ordinary one.
  const volume = await provisioner.provision({ sizeGiB: 5 });
  expect(liveVolumes(sim).map((v) => v.volumeId)).toEqual([volume.volumeId]);
});
