import { resolveSchedules } from '@ebs-autoscale/provisioner-ebs';
import { describe, expect, it } from 'vitest';
import { LEGACY_CLI_RETRY, startBaseline } from '../src/fleet/baseline.js';
import { providerRetry, startOurs } from '../src/fleet/ours.js';
import { runFleet } from '../src/fleet/run.js';

describe('fleet model', () => {
  it('runs our scale-up with the calls the provisioner makes, and none throttled for one agent', () => {
    const result = runFleet({ agents: 1, start: (world, agent) => startOurs(world, agent) });
    expect(result.withoutCapacity).toBe(0);
    expect(result.throttledCalls).toBe(0);
    expect(result.callsByAction).toMatchObject({ DescribeInstances: 1, CreateVolume: 1, AttachVolume: 1, ModifyInstanceAttribute: 1 });
    // One limit check, then at least one poll for `available` and one for `attached`.
    expect(result.callsByAction.DescribeVolumes).toBeGreaterThanOrEqual(3);
  });

  it('gives up a throttled call after the schedule’s retries, as p-retry does', () => {
    const retry = providerRetry(resolveSchedules({ apiRetry: { retries: 2, jitter: 0 } }).apiRetry);
    expect([1, 2, 3].map((n) => retry(n, () => 0.5))).toEqual([0.5, 1, undefined]);
  });

  it('fails scale-ups when the retry budget is shorter than the wave needs, and the autoscaler retries them', () => {
    const short = resolveSchedules({ apiRetry: { retries: 1, maxDelayMs: 1_000 } });
    const result = runFleet({ agents: 600, start: (world, agent) => startOurs(world, agent, { schedules: short }) });
    expect(result.failedAttempts).toBeGreaterThan(0);
    expect(result.withoutCapacity).toBe(0); // the autoscaler's backoff retries until EC2 serves everyone
  });

  it('models the baseline: one agent gets capacity with its CLI calls', () => {
    const result = runFleet({ agents: 1, start: (world, agent) => startBaseline(world, agent, LEGACY_CLI_RETRY) });
    expect(result.withoutCapacity).toBe(0);
    expect(result.callsByAction).toMatchObject({ DescribeTags: 1, CreateVolume: 1, AttachVolume: 1, ModifyInstanceAttribute: 1 });
  });
});
