import { IsolatedEventEmitter } from '@ebs-autoscale/core';
import { ManualClock } from '@ebs-autoscale/core/testing';
import { createRandom } from '@ebs-autoscale/ec2-sim';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { Ec2Api } from '../src/ec2-api.js';
import { Ec2Caller } from '../src/ec2-caller.js';
import type { EbsProvisionerEvents } from '../src/events.js';
import { DEFAULT_SCHEDULES, scheduleDelay } from '../src/schedules.js';

const throttled = () =>
  new EC2ServiceException({ name: 'RequestLimitExceeded', message: 'Request limit exceeded.', $fault: 'client', $metadata: { httpStatusCode: 503 } });

/** A DescribeVolumes that EC2 throttles until `untilMs` on the clock, through the real Ec2Caller and p-retry. */
async function callThrottledUntil(untilMs: number): Promise<{ outcome: 'ok' | 'gave up'; attempts: number; atMs: number }> {
  const clock = new ManualClock(0);
  const events = new IsolatedEventEmitter<EbsProvisionerEvents>(() => clock.now());
  let attempts = 0;
  const api = {
    describeVolumes: async () => {
      attempts += 1;
      if (clock.now() < untilMs) throw throttled();
      return { Volumes: [] };
    },
  } as unknown as Ec2Api;
  const caller = new Ec2Caller(api, events, clock, DEFAULT_SCHEDULES.apiRetry, createRandom(1));
  let outcome: 'ok' | 'gave up' | undefined;
  void caller
    .call('DescribeVolumes', (ec2) => ec2.describeVolumes({}))
    .then(
      () => (outcome = 'ok'),
      () => (outcome = 'gave up'),
    );
  while (outcome === undefined) await clock.advance(1_000);
  return { outcome, attempts, atMs: clock.now() };
}

describe('DEFAULT_SCHEDULES.apiRetry', () => {
  it('outlasts the time EC2 needs to serve a 5,000-agent wave of CreateVolume (~1,000 s at 5 per second)', async () => {
    const { outcome } = await callThrottledUntil(1_000_000);
    expect(outcome).toBe('ok');
  });

  it('still gives up on a call throttled for good, after retries + 1 attempts and well within an hour', async () => {
    const { outcome, attempts, atMs } = await callThrottledUntil(Number.POSITIVE_INFINITY);
    expect(outcome).toBe('gave up');
    expect(attempts).toBe(DEFAULT_SCHEDULES.apiRetry.retries + 1);
    expect(atMs).toBeLessThan(3_600_000);
  });

  it('waits at least ~12 minutes in all even when every jitter draw is at its low end', () => {
    const schedule = DEFAULT_SCHEDULES.apiRetry;
    let lowest = 0;
    for (let n = 1; n <= schedule.retries; n += 1) lowest += scheduleDelay(schedule, n, () => 0);
    expect(lowest).toBeGreaterThan(12 * 60_000);
  });
});
