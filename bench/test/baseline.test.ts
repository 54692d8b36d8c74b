import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baselineConfig } from '../src/baseline/baseline-agent.js';
import { BASELINE_COMMIT, resolveBaselineDir } from '../src/baseline/checkout.js';
import { formatCalls, meanCallsByAction, totalCalls } from '../src/baseline/ec2-calls.js';
import { namespaceInitScript, parseNamespaceReport, parseTimes, shellQuote } from '../src/baseline/namespace-init.js';
import { ourConfig, ourTriggers } from '../src/baseline/our-agent.js';
import { capacityIncreases, loggedThresholds, pairScaleUps, thresholdCrossings, usedPercent } from '../src/baseline/scale-ups.js';
import { formatSpread, spread } from '../src/baseline/stats.js';
import { fills, rateAt, WORLDS } from '../src/baseline/workloads.js';

describe('spread', () => {
  it('gives min, median and max; the median of an even count is the mean of the middle two', () => {
    expect(spread([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, n: 3 });
    expect(spread([4, 1, 2, 3])).toEqual({ min: 1, median: 2.5, max: 4, n: 4 });
    expect(spread([])).toBeUndefined();
    expect(spread([Number.NaN, 5])).toEqual({ min: 5, median: 5, max: 5, n: 1 });
    // Found by the property below (one run in a few hundred): the mean of two huge values overflowed.
    expect(spread([-Number.MAX_VALUE, -Number.MAX_VALUE])?.median).toBe(-Number.MAX_VALUE);
  });

  it('keeps min ≤ median ≤ max for any values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }), (values) => {
        const s = spread(values)!;
        expect(s.min).toBeLessThanOrEqual(s.median);
        expect(s.median).toBeLessThanOrEqual(s.max);
      }),
    );
  });

  it('formats as median (min–max), one figure when they agree', () => {
    expect(formatSpread(spread([1, 2, 9]), 1, ' s')).toBe('2.0 s (1.0 s–9.0 s)');
    expect(formatSpread(spread([0, 0, 0]), 0)).toBe('0');
    expect(formatSpread(undefined)).toBe('–');
  });
});

describe('the namespace init', () => {
  it("reads the tree's CPU from `times` and the PIDs handed out between start and end", () => {
    const out = 'STARTPID 7\nREADY\nsome agent output\nTIMES\n0m0.002s 0m0.004s\n0m8.510s 0m1.654s\nLASTPID 229\n';
    const report = parseNamespaceReport(out);
    expect(report.treeCpuSeconds).toBeCloseTo(10.164, 6);
    // 229 − 7, less the agent itself and the final subshell.
    expect(report.pidsAllocated).toBe(220);
  });

  it('refuses output without the report', () => {
    expect(() => parseNamespaceReport('STARTPID 2\nREADY\n')).toThrow(/unexpected output/);
  });

  it('parses bash times and quotes shell words', () => {
    expect(parseTimes('1m2.500s')).toBe(62.5);
    expect(parseTimes('x')).toBeNaN();
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(namespaceInitScript(['mount --bind a b'])).toMatch(/^mount --bind a b \|\| exit 97\necho "STARTPID/);
  });
});

describe('scale-up timing', () => {
  const sample = (at: number, totalBytes: number, percent = 0) => ({ at, totalBytes, usedBytes: 0, percent });

  it('finds the instants the size grew', () => {
    expect(capacityIncreases([sample(0, 10), sample(100, 10), sample(200, 20), sample(300, 20), sample(400, 30)])).toEqual([200, 400]);
  });

  it('pairs each increase with the earliest trigger since the previous one', () => {
    expect(pairScaleUps([1_000, 5_000, 5_500, 9_000], [3_000, 7_000])).toEqual([
      { triggerAt: 1_000, capacityAt: 3_000, seconds: 2 },
      { triggerAt: 5_000, capacityAt: 7_000, seconds: 2 },
    ]);
    // A trigger after the last increase (a scale-up cut short by the end) is left out; an increase with no trigger too.
    expect(pairScaleUps([4_000], [3_000])).toEqual([]);
  });

  it('never pairs a trigger after its capacity, nor one trigger twice', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(100_000)), fc.array(fc.nat(100_000)), (triggers, increases) => {
        const pairs = pairScaleUps(triggers, increases);
        expect(pairs.length).toBeLessThanOrEqual(Math.min(triggers.length, increases.length));
        for (const p of pairs) expect(p.triggerAt).toBeLessThanOrEqual(p.capacityAt);
        expect(new Set(pairs.map((p) => p.capacityAt)).size).toBe(pairs.length);
      }),
    );
  });

  it("finds the baseline's crossings of the threshold it logs, once per size", () => {
    const samples = [sample(0, 10, 40), sample(100, 10, 55), sample(200, 10, 60), sample(300, 20, 30), sample(400, 20, 79), sample(500, 20, 81)];
    expect(thresholdCrossings(samples, (at) => (at < 300 ? 50 : 80))).toEqual([100, 500]);
  });

  it("reads the thresholds from the baseline's log lines", () => {
    const log = [
      '[Wed Dec  2 06:33:18 UTC 2026] Devices 1 : Size 2 : Used 1 : Available 2 : Used% 4% : Threshold 50%',
      '[Wed Dec  2 06:33:27 UTC 2026] LOW DISK (59%): Adding more.',
      '[Wed Dec  2 06:34:00 UTC 2026] Devices 4 : Size 14 : Used 9 : Available 5 : Used% 63% : Threshold 80%',
    ].join('\n');
    expect(loggedThresholds(log)).toEqual([
      { at: Date.parse('2026-12-02T06:33:18Z'), percent: 50 },
      { at: Date.parse('2026-12-02T06:34:00Z'), percent: 80 },
    ]);
  });

  it("computes df's Use% (rounded up)", () => {
    expect(usedPercent({ usedBytes: 1, availableBytes: 2 })).toBe(34);
    expect(usedPercent({ usedBytes: 0, availableBytes: 0 })).toBe(0);
  });

  it("takes our scale:start times from the agent's JSON log", () => {
    const log = [
      '{"level":30,"time":"2026-12-02T06:33:14.961Z","event":"agent:start"}',
      '{"level":30,"time":"2026-12-02T06:33:20.500Z","event":"scale:start"}',
      'TIMES',
      '{"event":"scale:start","time":1700000000000}',
    ].join('\n');
    expect(ourTriggers(log)).toEqual([Date.parse('2026-12-02T06:33:20.500Z'), 1_700_000_000_000]);
  });
});

describe('EC2 calls', () => {
  it('averages calls by action over runs and formats them largest first', () => {
    const mean = meanCallsByAction([{ DescribeVolumes: 4, CreateVolume: 1 }, { DescribeVolumes: 6 }]);
    expect(mean).toEqual({ CreateVolume: 0.5, DescribeVolumes: 5 });
    expect(formatCalls(mean)).toBe('DescribeVolumes 5, CreateVolume 0.5');
    expect(formatCalls({})).toBe('none');
    expect(totalCalls(mean)).toBe(5.5);
  });
});

describe('the worlds and fills', () => {
  it('has the fills of issue 15 and their rates', () => {
    const [slow, fast, burst] = fills(60);
    expect([slow!.name, fast!.name, burst!.name]).toEqual(['16 MiB/s', '64 MiB/s', 'burst']);
    expect(rateAt(slow!, 59.9)).toBe(16);
    expect(rateAt(fast!, 60)).toBe(0);
    expect(rateAt(burst!, 0)).toBe(0);
    expect(rateAt(burst!, 6)).toBe(256);
    expect(rateAt(burst!, 30)).toBe(2);
  });

  it('gives both agents the same first volume and limits', () => {
    const world = WORLDS.scaled;
    const ours = ourConfig(world, '/scratch') as { initialVolume: { sizeGiB: number }; limits: Record<string, number> };
    const theirs = baselineConfig(world, '/scratch', '/tmp/log') as { limits: Record<string, string>; imdsv2: string };
    expect(ours.initialVolume.sizeGiB).toBe(world.initialSizeGiB);
    expect(Number(theirs.limits.min_ebs_volume_size)).toBe(ours.limits.minVolumeGiB);
    expect(Number(theirs.limits.max_ebs_volume_size)).toBe(ours.limits.maxVolumeGiB);
    expect(Number(theirs.limits.max_ebs_volume_count)).toBe(ours.limits.maxAttachedVolumes);
    expect(theirs.imdsv2).toBe('true');
  });
});

describe('the checkout', () => {
  it('says how to get the baseline at the pinned commit when the path has none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-no-baseline-'));
    try {
      expect(() => resolveBaselineDir(dir, '/')).toThrow(
        new RegExp(
          `\\[bench\\] no amazon-ebs-autoscale checkout[\\s\\S]*git clone https://github.com/awslabs/amazon-ebs-autoscale.git[\\s\\S]*checkout ${BASELINE_COMMIT}[\\s\\S]*--baseline`,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
