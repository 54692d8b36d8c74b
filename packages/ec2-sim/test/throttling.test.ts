import { CreateTagsCommand, DescribeVolumesCommand, type EC2Client } from '@aws-sdk/client-ec2';
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

/** Sends `count` unfiltered DescribeVolumes; returns how many were throttled. */
async function unfilteredDescribes(count: number): Promise<number> {
  let throttled = 0;
  for (let i = 0; i < count; i += 1) {
    try {
      await ec2.send(new DescribeVolumesCommand({}));
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
    await clock.advance(100); // one token
    expect(await unfilteredDescribes(2)).toBe(1);
    await clock.advance(1_000); // ten tokens
    expect(await unfilteredDescribes(11)).toBe(1);
    await clock.advance(3_600_000); // capped at capacity
    expect(await unfilteredDescribes(51)).toBe(1);
    expect(sim.stats().calls.DescribeVolumes).toBe(50 + 1 + 2 + 11 + 51);
    expect(sim.stats().throttled.DescribeVolumes).toBe(4);
  });

  it('keeps classes apart: a filtered describe still passes while unfiltered ones are throttled', async () => {
    expect(await unfilteredDescribes(51)).toBe(1);
    const filtered = await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'status', Values: ['in-use'] }] }));
    expect(filtered.Volumes).toHaveLength(1);
  });

  it('throttles CreateTags after 100 calls with a 10/s refill', async () => {
    const tag = () => ec2.send(new CreateTagsCommand({ Resources: [sim.instance.instanceId], Tags: [{ Key: 'k', Value: 'v' }] }));
    for (let i = 0; i < 100; i += 1) await tag();
    expect((await errorOf(tag())).name).toBe('RequestLimitExceeded');
    await clock.advance(100);
    await expect(tag()).resolves.toBeDefined();
  });

  it('can be turned off', async () => {
    await sim.close();
    ({ sim, ec2, clock } = await startTestSim({ throttling: false }));
    expect(await unfilteredDescribes(60)).toBe(0);
  });
});
