import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli-args.js';
import { createRandom, QUICK_LATENCIES, REALISTIC_LATENCIES, resolveLatencies, throttleClassOf, TokenBucket } from '../src/index.js';

describe('TokenBucket', () => {
  it('refuses when empty, takes nothing when it refuses, and refills at its rate up to capacity', () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, false]);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.take(1_100)).toBe(true);
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([true, true, false]);
  });

  it('classifies actions as EC2 does: uncategorized CreateVolume, mutating AttachVolume, unfiltered describes apart', () => {
    expect(throttleClassOf('CreateVolume', true)).toBe('createVolume');
    expect(throttleClassOf('AttachVolume', true)).toBe('mutating');
    expect(throttleClassOf('DescribeVolumes', true)).toBe('nonMutating');
    expect(throttleClassOf('DescribeVolumes', false)).toBe('unfilteredDescribe');
  });
});

describe('createRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const draws = Array.from({ length: 100 }, () => a());
    expect(draws).toEqual(Array.from({ length: 100 }, () => b()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRandom(8)()).not.toBe(draws[0]);
  });
});

describe('QUICK_LATENCIES', () => {
  it('is selectable by name, in the options and on the command line', () => {
    expect(resolveLatencies('quick')).toBe(QUICK_LATENCIES);
    expect(parseCliArgs(['--latencies', 'quick'])).toMatchObject({ latencies: 'quick' });
  });

  it('keeps EC2’s order of steps and is faster than the realistic profile on each', () => {
    expect(QUICK_LATENCIES.create).toEqual({ kind: 'uniform', minMs: 300, maxMs: 1_000 });
    const realisticMedian = { create: 1_500, attach: 2_500 };
    expect((QUICK_LATENCIES.create as { maxMs: number }).maxMs).toBeLessThan(realisticMedian.create);
    expect((QUICK_LATENCIES.attach as { maxMs: number }).maxMs).toBeLessThan(realisticMedian.attach);
    expect(REALISTIC_LATENCIES.create.kind).toBe('lognormal');
  });
});
