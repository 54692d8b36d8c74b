import { AttachVolumeCommand, CreateVolumeCommand, DescribeVolumesCommand, DetachVolumeCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { errorOf } from './helpers.js';
import { useTestSim } from './sim-fixture.js';

const env = useTestSim();

const create = () => env.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10 }));
const describeOne = async (volumeId: string) => (await env.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes?.[0];

describe('fault injection', () => {
  it('throttles the next N calls of one action, then lets them through', async () => {
    env.sim.faults.throttle({ actions: ['CreateVolume'], count: 2 });
    expect((await errorOf(create())).name).toBe('RequestLimitExceeded');
    await env.ec2.send(new DescribeVolumesCommand({})); // other actions are not affected
    expect((await errorOf(create())).status).toBe(503);
    await expect(create()).resolves.toHaveProperty('VolumeId');
    expect(env.sim.stats().throttled).toEqual({ CreateVolume: 2 });
  });

  it('throttles every action for a duration on the simulator clock', async () => {
    env.sim.faults.throttle({ durationMs: 5_000 });
    expect((await errorOf(env.ec2.send(new DescribeVolumesCommand({})))).name).toBe('RequestLimitExceeded');
    await env.clock.advance(5_000);
    await expect(env.ec2.send(new DescribeVolumesCommand({}))).resolves.toHaveProperty('Volumes');
  });

  it('fails CreateVolume with InsufficientVolumeCapacity and VolumeLimitExceeded', async () => {
    env.sim.faults.insufficientCapacity();
    env.sim.faults.volumeLimitExceeded();
    expect(await errorOf(create())).toMatchObject({ name: 'InsufficientVolumeCapacity', status: 500 });
    expect(await errorOf(create())).toMatchObject({ name: 'VolumeLimitExceeded', status: 400 });
    await expect(create()).resolves.toHaveProperty('VolumeId');
  });

  it('denies one action with UnauthorizedOperation (403) until allowed', async () => {
    env.sim.faults.deny('CreateVolume');
    const error = await errorOf(create());
    expect(error).toMatchObject({ name: 'UnauthorizedOperation', status: 403 });
    expect(error.message).toMatch(
      /^You are not authorized to perform this operation\. User: arn:aws:sts::123456789012:assumed-role\/.* is not authorized to perform: ec2:CreateVolume/,
    );
    await env.ec2.send(new DescribeVolumesCommand({}));
    env.sim.faults.allow('CreateVolume');
    await expect(create()).resolves.toHaveProperty('VolumeId');
  });

  it('puts a created volume in the error state', async () => {
    env.sim.faults.volumeError();
    const { VolumeId } = await create();
    await env.clock.advance(1);
    expect((await describeOne(VolumeId!))?.State).toBe('error');
  });

  it('leaves an attachment stuck in attaching until detached', async () => {
    const { VolumeId } = await create();
    await env.clock.advance(1);
    env.sim.faults.stuckAttach({ volumeId: VolumeId });
    await env.ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: env.sim.instance.instanceId, Device: '/dev/xvdf' }));
    await env.clock.advance(3_600_000);
    expect((await describeOne(VolumeId!))?.Attachments?.[0]?.State).toBe('attaching');
    await env.ec2.send(new DetachVolumeCommand({ VolumeId, Force: true }));
    await env.clock.advance(1);
    expect((await describeOne(VolumeId!))?.State).toBe('available');
  });

  it('reports attached while the device never appears, and fails any action on demand', async () => {
    env.sim.faults.deviceNeverAppears();
    const { VolumeId } = await create();
    await env.clock.advance(1);
    await env.ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: env.sim.instance.instanceId, Device: '/dev/xvdf' }));
    await env.clock.advance(1);
    await env.sim.settled();
    expect(env.sim.volume(VolumeId!)).toMatchObject({ attachment: { state: 'attached' }, device: undefined });
    env.sim.faults.fail('DetachVolume', { code: 'InternalError', message: 'boom', status: 500 });
    expect(await errorOf(env.ec2.send(new DetachVolumeCommand({ VolumeId })))).toMatchObject({ name: 'InternalError', status: 500 });
    env.sim.faults.clear();
    await expect(env.ec2.send(new DetachVolumeCommand({ VolumeId }))).resolves.toHaveProperty('State', 'detaching');
  });
});
