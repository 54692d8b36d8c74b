import { AttachVolumeCommand, CreateTagsCommand, DescribeVolumesCommand, ModifyInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { errorOf } from './helpers.js';
import { useTestSim } from './sim-fixture.js';

const env = useTestSim();

/** Sends `count` unfiltered DescribeVolumes; returns how many were throttled. */
async function unfilteredDescribes(count: number): Promise<number> {
  let throttled = 0;
  for (let i = 0; i < count; i += 1) {
    try {
      await env.ec2.send(new DescribeVolumesCommand({}));
    } catch (error) {
      expect((error as Error).name).toBe('RequestLimitExceeded');
      expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(503);
      throttled += 1;
    }
  }
  return throttled;
}

describe('token buckets', () => {
  it('empties the unfiltered-describe bucket (50) and refills it at 10 per second', async () => {
    expect(await unfilteredDescribes(50)).toBe(0);
    expect(await unfilteredDescribes(1)).toBe(1);
    await env.clock.advance(100); // one token
    expect(await unfilteredDescribes(2)).toBe(1);
    await env.clock.advance(1_000); // ten tokens
    expect(await unfilteredDescribes(11)).toBe(1);
    await env.clock.advance(3_600_000); // capped at capacity
    expect(await unfilteredDescribes(51)).toBe(1);
    expect(env.sim.stats().calls.DescribeVolumes).toBe(50 + 1 + 2 + 11 + 51);
    expect(env.sim.stats().throttled.DescribeVolumes).toBe(4);
  });

  it('keeps classes apart: a filtered describe still passes while unfiltered ones are throttled', async () => {
    expect(await unfilteredDescribes(51)).toBe(1);
    const filtered = await env.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'status', Values: ['in-use'] }] }));
    expect(filtered.Volumes).toHaveLength(1);
  });

  it('gives every action its own bucket: AttachVolume throttled leaves ModifyInstanceAttribute (same class) alone', async () => {
    // A refused request still takes its token when the bucket admits it: failing on a missing volume is fine here.
    const attach = () =>
      env.ec2.send(new AttachVolumeCommand({ VolumeId: 'vol-00000000000000000', InstanceId: env.sim.instance.instanceId, Device: '/dev/xvdf' }));
    for (let i = 0; i < 50; i += 1) expect((await errorOf(attach())).name).toBe('InvalidVolume.NotFound');
    expect((await errorOf(attach())).name).toBe('RequestLimitExceeded');
    const modify = env.ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: env.sim.instance.instanceId,
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true } }],
      }),
    );
    await expect(modify).resolves.toBeDefined();
    expect(env.sim.stats().throttled).toEqual({ AttachVolume: 1 });
  });

  it('throttles CreateTags after 100 calls with a 10/s refill', async () => {
    const tag = () => env.ec2.send(new CreateTagsCommand({ Resources: [env.sim.instance.instanceId], Tags: [{ Key: 'k', Value: 'v' }] }));
    for (let i = 0; i < 100; i += 1) await tag();
    expect((await errorOf(tag())).name).toBe('RequestLimitExceeded');
    await env.clock.advance(100);
    await expect(tag()).resolves.toBeDefined();
  });

  it('can be turned off', async () => {
    await env.restart({ throttling: false });
    expect(await unfilteredDescribes(60)).toBe(0);
  });
});
