import { CreateVolumeCommand, DescribeVolumesCommand, DescribeVolumesModificationsCommand, ModifyVolumeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ManualClock } from '@ebs-autoscale/core/testing';
import { afterEach, expect, it } from 'vitest';
import type { Ec2Simulator, Ec2SimulatorOptions } from '../src/index.js';
import { errorOf, startTestSim } from './helpers.js';

let sim: Ec2Simulator | undefined;
let ec2: EC2Client | undefined;
afterEach(async () => {
  ec2?.destroy();
  await sim?.close();
});

const HOUR = 3_600_000;

async function setup(options: Ec2SimulatorOptions = {}): Promise<{ ec2: EC2Client; clock: ManualClock; volumeId: string }> {
  const started = await startTestSim({
    ...options,
    latencies: { modify: { kind: 'fixed', ms: 1_000 }, optimize: { kind: 'fixed', ms: 10_000 }, create: { kind: 'fixed', ms: 0 } },
  });
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

it('allows four modifications of a volume within 24 hours, refuses the fifth, and takes it once the first is 24 hours old', async () => {
  const { ec2, clock, volumeId } = await setup();
  const started: number[] = [];
  for (const size of [11, 12, 13, 14]) {
    const { VolumeModification } = await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: size }));
    started.push(VolumeModification!.StartTime!.getTime());
    await clock.advance(11_000); // modifying 1 s + optimizing 10 s: completed
  }
  const fifth = await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 15 })));
  expect(fifth).toMatchObject({ name: 'VolumeModificationRateExceeded', status: 400 });
  expect(fifth.message).toContain('4 modifications per volume in 24 hours');
  await clock.advance(started[0]! + 24 * HOUR - clock.now() - 1);
  expect((await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 15 })))).name).toBe('VolumeModificationRateExceeded');
  await clock.advance(1);
  expect((await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 15 }))).VolumeModification?.TargetSize).toBe(15);
});

it('refuses a modification while the previous one is optimizing, under the rule of today', async () => {
  const { ec2, clock, volumeId } = await setup();
  await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 20 }));
  await clock.advance(1_000);
  const error = await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 30 })));
  expect(error).toMatchObject({ name: 'IncorrectModificationState', status: 400 });
  expect(error.message).toContain('OPTIMIZING');
  await clock.advance(10_000);
  expect((await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 30 }))).VolumeModification?.TargetSize).toBe(30);
});

it('refuses a ModifyVolume that changes nothing, without counting it', async () => {
  const { ec2, clock, volumeId } = await setup();
  for (const request of [{}, { Size: 10 }, { Size: 10, VolumeType: 'gp3' as const }, { Iops: 3000, Throughput: 125 }]) {
    const error = await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, ...request })));
    expect(error).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Invalid input: Must specify at least one of size, type, iops, throughput or multi-attach.',
    });
  }
  await clock.advance(1);
  for (const size of [11, 12, 13, 14]) {
    await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: size }));
    await clock.advance(11_000);
  }
});

it('keeps the 6-hour cooldown as an option, with VolumeModificationRateExceeded', async () => {
  const { ec2, clock, volumeId } = await setup({ volumeModificationRule: '6h-cooldown' });
  await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 20 }));
  await clock.advance(HOUR);
  const error = await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 30 })));
  expect(error).toMatchObject({ name: 'VolumeModificationRateExceeded', status: 400 });
  expect(error.message).toContain('6 hours');
  await clock.advance(5 * HOUR);
  const again = await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 30 }));
  expect(again.VolumeModification?.TargetSize).toBe(30);
  expect(await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 5 })))).toMatchObject({ name: 'VolumeModificationRateExceeded' });
});

it('refuses to shrink and reports a never-modified volume as not found', async () => {
  const { ec2, volumeId } = await setup();
  expect((await errorOf(ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: [volumeId] })))).name).toBe('InvalidVolumeModification.NotFound');
  expect((await errorOf(ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 5 })))).name).toBe('InvalidParameterValue');
});
