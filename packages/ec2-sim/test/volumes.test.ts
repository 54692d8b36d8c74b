import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  ModifyInstanceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { errorOf } from './helpers.js';
import { useTestSim } from './sim-fixture.js';

const env = useTestSim();

async function stateOf(volumeId: string): Promise<string | undefined> {
  const { Volumes } = await env.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
  return Volumes?.[0]?.State;
}

async function availableVolume(size = 10): Promise<string> {
  const { VolumeId } = await env.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: size, VolumeType: 'gp3' }));
  await env.clock.advance(1);
  return VolumeId!;
}

describe('volume lifecycle through the SDK', () => {
  it('creates, attaches, marks DeleteOnTermination, detaches and deletes', async () => {
    const created = await env.ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: 'us-east-1a',
        Size: 20,
        VolumeType: 'gp3',
        Encrypted: true,
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'ebs-autoscale:mount', Value: '/data' }] }],
      }),
    );
    expect(created).toMatchObject({
      State: 'creating',
      Size: 20,
      VolumeType: 'gp3',
      Iops: 3000,
      Throughput: 125,
      Encrypted: true,
      AvailabilityZone: 'us-east-1a',
    });
    expect(created.VolumeId).toMatch(/^vol-[0-9a-f]{17}$/);
    expect(created.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
    expect(created.Tags).toEqual([{ Key: 'ebs-autoscale:mount', Value: '/data' }]);
    const volumeId = created.VolumeId!;
    await env.clock.advance(1);
    expect(await stateOf(volumeId)).toBe('available');

    const attach = await env.ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: env.sim.instance.instanceId, Device: '/dev/xvdf' }));
    expect(attach).toMatchObject({ State: 'attaching', Device: '/dev/xvdf', InstanceId: env.sim.instance.instanceId, DeleteOnTermination: false });
    expect(await stateOf(volumeId)).toBe('in-use');
    await env.clock.advance(1);
    const { Volumes } = await env.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
    expect(Volumes?.[0]?.Attachments?.[0]?.State).toBe('attached');

    await env.ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: env.sim.instance.instanceId,
        BlockDeviceMappings: [{ DeviceName: '/dev/xvdf', Ebs: { DeleteOnTermination: true } }],
      }),
    );
    const { Reservations } = await env.ec2.send(new DescribeInstancesCommand({ InstanceIds: [env.sim.instance.instanceId] }));
    const mappings = Reservations?.[0]?.Instances?.[0]?.BlockDeviceMappings ?? [];
    expect(mappings.map((m) => [m.DeviceName, m.Ebs?.VolumeId, m.Ebs?.DeleteOnTermination])).toEqual([
      ['/dev/xvda', env.sim.instance.rootVolumeId, true],
      ['/dev/xvdf', volumeId, true],
    ]);

    const detach = await env.ec2.send(new DetachVolumeCommand({ VolumeId: volumeId }));
    expect(detach.State).toBe('detaching');
    await env.clock.advance(1);
    expect(await stateOf(volumeId)).toBe('available');

    await env.ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    expect(await stateOf(volumeId)).toBe('deleting');
    await env.clock.advance(1);
    expect((await errorOf(env.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })))).name).toBe('InvalidVolume.NotFound');
  });

  it('follows realistic latencies in virtual time (seeded)', async () => {
    await env.restart({ latencies: 'realistic', seed: 7 });
    const { VolumeId } = await env.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10 }));
    await env.clock.advance(100);
    expect(await stateOf(VolumeId!)).toBe('creating');
    await env.clock.advance(60_000);
    expect(await stateOf(VolumeId!)).toBe('available');
  });

  it('returns the same volume for a retried ClientToken and refuses a reused token with other parameters', async () => {
    const request = { AvailabilityZone: 'us-east-1a', Size: 10, VolumeType: 'gp3' as const, ClientToken: 'retry-token-1' };
    const first = await env.ec2.send(new CreateVolumeCommand(request));
    const retry = await env.ec2.send(new CreateVolumeCommand(request));
    expect(retry.VolumeId).toBe(first.VolumeId);
    expect(env.sim.volumes().filter((v) => !v.attachment)).toHaveLength(1);
    const mismatch = await errorOf(env.ec2.send(new CreateVolumeCommand({ ...request, Size: 11 })));
    expect(mismatch).toMatchObject({ name: 'IdempotentParameterMismatch', status: 400 });
  });

  it('refuses a device name already in use, an attached volume, a foreign zone and bad sizes', async () => {
    const a = await availableVolume();
    const b = await availableVolume();
    await env.ec2.send(new AttachVolumeCommand({ VolumeId: a, InstanceId: env.sim.instance.instanceId, Device: '/dev/xvdf' }));
    const taken = await errorOf(env.ec2.send(new AttachVolumeCommand({ VolumeId: b, InstanceId: env.sim.instance.instanceId, Device: '/dev/xvdf' })));
    expect(taken.name).toBe('InvalidParameterValue');
    expect(taken.message).toContain('already in use');
    const root = await errorOf(env.ec2.send(new AttachVolumeCommand({ VolumeId: b, InstanceId: env.sim.instance.instanceId, Device: '/dev/xvda' })));
    expect(root.message).toContain('already in use');
    expect((await errorOf(env.ec2.send(new DeleteVolumeCommand({ VolumeId: a })))).name).toBe('VolumeInUse');
    expect((await errorOf(env.ec2.send(new DetachVolumeCommand({ VolumeId: env.sim.instance.rootVolumeId })))).name).toBe('UnsupportedOperation');

    const { VolumeId: other } = await env.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', Size: 10 }));
    await env.clock.advance(1);
    const zone = await errorOf(env.ec2.send(new AttachVolumeCommand({ VolumeId: other, InstanceId: env.sim.instance.instanceId, Device: '/dev/xvdg' })));
    expect(zone.name).toBe('InvalidVolume.ZoneMismatch');

    expect((await errorOf(env.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 70_000, VolumeType: 'gp3' })))).name).toBe(
      'InvalidParameterValue',
    );
    expect((await errorOf(env.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, VolumeType: 'st1' })))).name).toBe(
      'InvalidParameterValue',
    );
    expect((await errorOf(env.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, VolumeType: 'io2' })))).name).toBe(
      'MissingParameter',
    );
    expect((await errorOf(env.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-west-2a', Size: 10 })))).name).toBe('InvalidParameterValue');
    expect((await errorOf(env.ec2.send(new AttachVolumeCommand({ VolumeId: b, InstanceId: 'i-00000000000000000', Device: '/dev/xvdh' })))).name).toBe(
      'InvalidInstanceID.NotFound',
    );
  });

  it('reads the region from the SigV4 credential scope', async () => {
    const { EC2Client } = await import('@aws-sdk/client-ec2');
    const west = new EC2Client({ ...env.sim.clientConfig(), region: 'us-west-2', maxAttempts: 1 });
    const created = await west.send(new CreateVolumeCommand({ AvailabilityZone: 'us-west-2a', Size: 5 }));
    expect(env.sim.volume(created.VolumeId!)?.region).toBe('us-west-2');
    const east = await env.ec2.send(new DescribeVolumesCommand({}));
    expect(east.Volumes?.map((v) => v.VolumeId)).not.toContain(created.VolumeId);
    const { Reservations } = await west.send(new DescribeInstancesCommand({}));
    expect(Reservations).toEqual([]);
    west.destroy();
  });
});
