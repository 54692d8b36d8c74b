import { AttachVolumeCommand, CreateVolumeCommand, DescribeVolumesCommand, DetachVolumeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ManualClock } from '@ebs-autoscale/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ec2Simulator } from '../src/index.js';
import { errorOf, startTestSim } from './helpers.js';

let sim: Ec2Simulator;
let ec2: EC2Client;
let clock: ManualClock;

beforeEach(async () => {
  ({ sim, ec2, clock } = await startTestSim());
});
afterEach(async () => {
  ec2.destroy();
  await sim.close();
});

const create = () => ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10 }));
const describeOne = async (volumeId: string) => (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes?.[0];

describe('fault injection', () => {
  it('throttles the next N calls of one action, then lets them through', async () => {
    sim.faults.throttle({ actions: ['CreateVolume'], count: 2 });
    expect((await errorOf(create())).name).toBe('RequestLimitExceeded');
    await ec2.send(new DescribeVolumesCommand({})); // other actions are not affected
    expect((await errorOf(create())).status).toBe(503);
    await expect(create()).resolves.toHaveProperty('VolumeId');
    expect(sim.stats().throttled).toEqual({ CreateVolume: 2 });
  });

  it('throttles every action for a duration on the simulator clock', async () => {
    sim.faults.throttle({ durationMs: 5_000 });
    expect((await errorOf(ec2.send(new DescribeVolumesCommand({})))).name).toBe('RequestLimitExceeded');
    await clock.advance(5_000);
    await expect(ec2.send(new DescribeVolumesCommand({}))).resolves.toHaveProperty('Volumes');
  });

  it('fails CreateVolume with InsufficientVolumeCapacity and VolumeLimitExceeded', async () => {
    sim.faults.insufficientCapacity();
    sim.faults.volumeLimitExceeded();
    expect(await errorOf(create())).toMatchObject({ name: 'InsufficientVolumeCapacity', status: 500 });
    expect(await errorOf(create())).toMatchObject({ name: 'VolumeLimitExceeded', status: 400 });
    await expect(create()).resolves.toHaveProperty('VolumeId');
  });

  it('denies one action with UnauthorizedOperation (403) until allowed', async () => {
    sim.faults.deny('CreateVolume');
    const error = await errorOf(create());
    expect(error).toMatchObject({ name: 'UnauthorizedOperation', status: 403 });
    expect(error.message).toMatch(/^You are not authorized to perform this operation\. User: arn:aws:sts::123456789012:assumed-role\/.* is not authorized to perform: ec2:CreateVolume/);
    await ec2.send(new DescribeVolumesCommand({}));
    sim.faults.allow('CreateVolume');
    await expect(create()).resolves.toHaveProperty('VolumeId');
  });

  it('puts a created volume in the error state', async () => {
    sim.faults.volumeError();
    const { VolumeId } = await create();
    await clock.advance(1);
    expect((await describeOne(VolumeId!))?.State).toBe('error');
  });

  it('leaves an attachment stuck in attaching until detached', async () => {
    const { VolumeId } = await create();
    await clock.advance(1);
    sim.faults.stuckAttach({ volumeId: VolumeId });
    await ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: sim.instance.instanceId, Device: '/dev/xvdf' }));
    await clock.advance(3_600_000);
    expect((await describeOne(VolumeId!))?.Attachments?.[0]?.State).toBe('attaching');
    await ec2.send(new DetachVolumeCommand({ VolumeId, Force: true }));
    await clock.advance(1);
    expect((await describeOne(VolumeId!))?.State).toBe('available');
  });

  it('reports attached while the device never appears, and fails any action on demand', async () => {
    sim.faults.deviceNeverAppears();
    const { VolumeId } = await create();
    await clock.advance(1);
    await ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: sim.instance.instanceId, Device: '/dev/xvdf' }));
    await clock.advance(1);
    await sim.settled();
    expect(sim.volume(VolumeId!)).toMatchObject({ attachment: { state: 'attached' }, device: undefined });
    sim.faults.fail('DetachVolume', { code: 'InternalError', message: 'boom', status: 500 });
    expect(await errorOf(ec2.send(new DetachVolumeCommand({ VolumeId })))).toMatchObject({ name: 'InternalError', status: 500 });
    sim.faults.clear();
    await expect(ec2.send(new DetachVolumeCommand({ VolumeId }))).resolves.toHaveProperty('State', 'detaching');
  });
});
