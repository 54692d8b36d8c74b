import {
  AttachVolumeCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DescribeTagsCommand,
  DescribeVolumesCommand,
  paginateDescribeVolumes,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { ManualClock } from '@ebs-autoscale/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ec2Simulator } from '../src/index.js';
import { errorOf, startTestSim } from './helpers.js';

let sim: Ec2Simulator;
let ec2: EC2Client;
let clock: ManualClock;
const created: string[] = [];

beforeAll(async () => {
  ({ sim, ec2, clock } = await startTestSim());
  for (let i = 0; i < 12; i += 1) {
    const tags =
      i % 3 === 0
        ? [
            { Key: 'owner', Value: 'ebs-autoscale' },
            { Key: 'group', Value: `g${i}` },
          ]
        : [{ Key: 'group', Value: `g${i}` }];
    const { VolumeId } = await ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 + i, TagSpecifications: [{ ResourceType: 'volume', Tags: tags }] }),
    );
    created.push(VolumeId!);
  }
  await clock.advance(1);
  await ec2.send(new AttachVolumeCommand({ VolumeId: created[0], InstanceId: sim.instance.instanceId, Device: '/dev/xvdf' }));
});
afterAll(async () => {
  ec2.destroy();
  await sim.close();
});

async function ids(filters: { Name: string; Values: string[] }[]): Promise<string[]> {
  const { Volumes } = await ec2.send(new DescribeVolumesCommand({ Filters: filters }));
  return (Volumes ?? []).map((v) => v.VolumeId!);
}

describe('DescribeVolumes', () => {
  it('pages with MaxResults/NextToken and the SDK paginator sees every volume once', async () => {
    const first = await ec2.send(new DescribeVolumesCommand({ MaxResults: 5 }));
    expect(first.Volumes).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();
    const seen: string[] = [];
    for await (const page of paginateDescribeVolumes({ client: ec2, pageSize: 5 }, {})) seen.push(...(page.Volumes ?? []).map((v) => v.VolumeId!));
    expect(seen).toHaveLength(13); // 12 + the root volume
    expect(new Set(seen).size).toBe(13);
    expect((await errorOf(ec2.send(new DescribeVolumesCommand({ MaxResults: 2 })))).name).toBe('InvalidParameterValue');
  });

  it('filters by volume-id, attachment.instance-id, tag-key, tag:K and status, with wildcards', async () => {
    expect(await ids([{ Name: 'volume-id', Values: [created[1]!, created[2]!] }])).toEqual([created[1], created[2]]);
    expect(await ids([{ Name: 'attachment.instance-id', Values: [sim.instance.instanceId] }])).toEqual([sim.instance.rootVolumeId, created[0]]);
    expect(await ids([{ Name: 'tag-key', Values: ['owner'] }])).toEqual([created[0], created[3], created[6], created[9]]);
    expect(await ids([{ Name: 'tag:group', Values: ['g1', 'g1?'] }])).toEqual([created[1], created[10], created[11]]);
    expect(
      await ids([
        { Name: 'tag:owner', Values: ['ebs-*'] },
        { Name: 'status', Values: ['available'] },
      ]),
    ).toEqual([created[3], created[6], created[9]]);
    expect((await errorOf(ids([{ Name: 'no-such-filter', Values: ['x'] }]))).name).toBe('InvalidParameterValue');
  });

  it('reports an unknown id as InvalidVolume.NotFound', async () => {
    const error = await errorOf(ec2.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0000000000000dead'] })));
    expect(error).toMatchObject({ name: 'InvalidVolume.NotFound', status: 400 });
  });
});

describe('tags', () => {
  it('CreateTags then DescribeTags by resource and key, refusing aws: keys', async () => {
    await ec2.send(new CreateTagsCommand({ Resources: [created[5]!, sim.instance.instanceId], Tags: [{ Key: 'purpose', Value: 'test: a b' }] }));
    const { Tags } = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['purpose'] }] }));
    expect(Tags?.map((t) => [t.ResourceId, t.ResourceType, t.Value])).toEqual([
      [sim.instance.instanceId, 'instance', 'test: a b'],
      [created[5], 'volume', 'test: a b'],
    ]);
    const instanceTags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [sim.instance.instanceId] }] }));
    expect(instanceTags.Tags?.map((t) => t.Key)).toContain('aws:cloudformation:stack-name');
    expect((await errorOf(ec2.send(new CreateTagsCommand({ Resources: [created[5]!], Tags: [{ Key: 'aws:x', Value: 'y' }] })))).name).toBe(
      'InvalidParameterValue',
    );
    expect((await errorOf(ec2.send(new CreateTagsCommand({ Resources: ['vol-0000000000000dead'], Tags: [{ Key: 'a', Value: 'b' }] })))).name).toBe(
      'InvalidVolume.NotFound',
    );
  });
});
