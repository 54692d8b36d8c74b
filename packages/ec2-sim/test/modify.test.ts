import { CreateVolumeCommand, DescribeVolumesCommand, DescribeVolumesModificationsCommand, ModifyVolumeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ManualClock } from '@ebs-autoscale/core';
import { afterEach, expect, it } from 'vitest';
import type { Ec2Simulator } from '../src/index.js';
import { errorOf, startTestSim } from './helpers.js';

let sim: Ec2Simulator | undefined;
let ec2: EC2Client | undefined;
afterEach(async () => {
  ec2?.destroy();
  await sim?.close();
});

const HOUR = 3_600_000;

async function setup(): Promise<{ ec2: EC2Client; clock: ManualClock; volumeId: string }> {
  const started = await startTestSim({ latencies: { modify: { kind: 'fixed', ms: 1_000 }, optimize: { kind: 'fixed', ms: 10_000 }, create: { kind: 'fixed', ms: 0 } } });
  ({ sim, ec2 } = started);
  const { VolumeId } = await started.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, VolumeType: 'gp3' }));
  await started.clock.advance(1);
  return { ec2: started.ec2, clock: started.clock, volumeId: VolumeId! };
}

it('moves modifying → optimizing (new size visible) → completed', async () => {
  const { ec2, clock, volumeId } = await setup();
  const { VolumeModification } = await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 30 }));
  expect(VolumeModification).toMatchObject({ ModificationState: 'modifying', OriginalSize: 10, TargetSize: 30, Progress: 0 });
  await clock.advance(1_000);
  const mid = await ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: [volumeId] }));
  expect(mid.VolumesModifications?.[0]?.ModificationState).toBe('optimizing');
  expect((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes?.[0]?.Size).toBe(30);
  await clock.advance(10_000);
  const done = await ec2.send(new DescribeVolumesModificationsCommand({ Filters: [{ Name: 'modification-state', Values: ['completed'] }] }));
  expect(done.VolumesModifications?.map((m) => [m.VolumeId, m.Progress])).toEqual([[volumeId, 100]]);
  expect(done.VolumesModifications?.[0]?.EndTime).toBeInstanceOf(Date);
});

it('enforces the 6-hour cooldown with VolumeModificationRateExceeded', async () => {
  const { ec2, clock, volumeId } = await setup();
  await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 20 }));
  await clock.advance(HOUR);
  const error = await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 30 })));
  expect(error).toMatchObject({ name: 'VolumeModificationRateExceeded', status: 400 });
  expect(error.message).toContain('6 hours');
  await clock.advance(5 * HOUR);
  const again = await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 30 }));
  expect(again.VolumeModification?.TargetSize).toBe(30);
  expect((await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 5 }))))).toMatchObject({ name: 'VolumeModificationRateExceeded' });
});

it('refuses to shrink and reports a never-modified volume as not found', async () => {
  const { ec2, volumeId } = await setup();
  expect((await errorOf(ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: [volumeId] })))).name).toBe('InvalidVolumeModification.NotFound');
  expect((await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 5 })))).name).toBe('InvalidParameterValue');
});
