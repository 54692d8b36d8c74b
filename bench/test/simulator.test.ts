import { createCompatibilityPolicy, createPredictivePolicy, GIB, MIB } from '@ebs-autoscale/core';
import { InMemoryDriver, MemoryHost } from '@ebs-autoscale/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../src/fleet/event-queue.js';
import { Ec2Account, TokenBucket } from '../src/fleet/token-bucket.js';
import { calcThreshold } from '../src/policy/baseline-agent.js';
import { FillModel } from '../src/policy/fill-model.js';
import { FIXED_LATENCIES } from '../src/policy/latencies.js';
import { runTrace } from '../src/policy/run.js';
import { traceFromIntervals } from '../src/policy/workloads.js';

describe('FillModel', () => {
  it('counts the exact moment a disk fills and the refused seconds', () => {
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 10 * GIB });
    const trace = traceFromIntervals('t', 't', 100, [{ start: 0, end: 100, rate: 0.2 * GIB }]);
    const model = new FillModel(driver, 10 * GIB, trace);
    model.advanceTo(100);
    expect(model.metrics.outOfSpaceEvents).toBe(1);
    expect(model.metrics.outOfSpaceSeconds).toBeCloseTo(50);
    // Free space falls linearly from 10 GiB to 0 over 50 s: 250 GiB·s.
    expect(model.metrics.overProvisionedGiBHours).toBeCloseTo(250 / 3600);
  });

  it('frees space on deletes and counts a second event only after space came back', () => {
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 10 * GIB });
    const trace = traceFromIntervals('t', 't', 100, [{ start: 0, end: 100, rate: 1 * GIB }], [{ at: 20, bytes: 5 * GIB }]);
    const model = new FillModel(driver, 10 * GIB, trace);
    model.advanceTo(100);
    expect(model.metrics.outOfSpaceEvents).toBe(2);
    expect(model.metrics.outOfSpaceSeconds).toBeCloseTo(85);
  });
});

describe('amazon-ebs-autoscale model', () => {
  it('steps the threshold as calc_threshold does', () => {
    expect([1, 3, 4, 6, 7, 12].map(calcThreshold)).toEqual([50, 50, 80, 80, 90, 90]);
  });
});

describe('token bucket and event queue', () => {
  it('refuses when empty and refills at its rate', () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1 });
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([true, true, false]);
    expect(bucket.tryTake(0.5)).toBe(false);
    expect(bucket.tryTake(1.1)).toBe(true);
  });

  it('counts throttled calls per action', () => {
    const account = new Ec2Account();
    for (let i = 0; i < 60; i += 1) account.call('AttachVolume', 0);
    expect(account.throttled.AttachVolume).toBe(10);
    expect(account.totalCalls).toBe(60);
  });

  it('runs events in time order', () => {
    const queue = new EventQueue();
    const seen: number[] = [];
    queue.after(3, () => seen.push(3));
    queue.after(1, () => queue.after(1, () => seen.push(2)));
    queue.runUntil(10);
    expect(seen).toEqual([2, 3]);
  });
});

describe('policies through the real StorageAutoscaler', () => {
  it('the predictive policy has no out-of-space where the compatibility policy has none (random constant fills)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 10, max: 3000 }), fc.integer({ min: 20, max: 200 }), async (mibPerSecond, initialGiB) => {
        const seconds = Math.min(900, (400 * GIB) / (mibPerSecond * MIB));
        const trace = traceFromIntervals('fill', 'fill', seconds + 60, [{ start: 0, end: seconds, rate: mibPerSecond * MIB }]);
        const options = { initialGiB, latencies: FIXED_LATENCIES };
        const compat = await runTrace(trace, { name: 'c', kind: 'autoscaler', policy: () => createCompatibilityPolicy() }, options);
        const predictive = await runTrace(trace, { name: 'p', kind: 'autoscaler', policy: () => createPredictivePolicy() }, options);
        if (compat.outOfSpaceEvents === 0) expect(predictive.outOfSpaceEvents).toBe(0);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('a fill faster than any scale-up runs out of space, and the run says so', async () => {
    const trace = traceFromIntervals('flood', 'flood', 30, [{ start: 0, end: 30, rate: 20 * GIB }]);
    const result = await runTrace(trace, { name: 'c', kind: 'autoscaler', policy: () => createCompatibilityPolicy() }, { latencies: FIXED_LATENCIES });
    expect(result.outOfSpaceEvents).toBeGreaterThan(0);
    expect(result.outOfSpaceSeconds).toBeGreaterThan(0);
  });
});
