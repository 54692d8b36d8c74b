import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli-args.js';
import {
  createRandom,
  QUICK_LATENCIES,
  REALISTIC_LATENCIES,
  resolveLatencies,
  throttleClassOf,
  TokenBucket,
  type LatencyDistribution,
  type LatencyProfile,
} from '../src/index.js';

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

  it('is faster on every step than the realistic profile’s median, with the device still the quickest of create → attach → device', () => {
    const steps = Object.keys(REALISTIC_LATENCIES) as (keyof LatencyProfile)[];
    for (const step of steps) expect(longest(QUICK_LATENCIES[step]), step).toBeLessThan(median(REALISTIC_LATENCIES[step]));
    // The device shows up after the attachment; in both profiles that last wait is the shortest of the three.
    for (const profile of [QUICK_LATENCIES, REALISTIC_LATENCIES]) {
      expect(median(profile.deviceAppear)).toBeLessThan(Math.min(median(profile.create), median(profile.attach)));
    }
  });
});

function median(latency: LatencyDistribution): number {
  if (latency.kind === 'fixed') return latency.ms;
  return latency.kind === 'uniform' ? (latency.minMs + latency.maxMs) / 2 : latency.medianMs;
}

/** The longest a step can take; a lognormal has no bound, so its p99 stands in. */
function longest(latency: LatencyDistribution): number {
  if (latency.kind === 'fixed') return latency.ms;
  return latency.kind === 'uniform' ? latency.maxMs : latency.p99Ms;
}
