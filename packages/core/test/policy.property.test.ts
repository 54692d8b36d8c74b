import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GIB,
  bytesToGiB,
  createCompatibilityPolicy,
  createPredictivePolicy,
  estimateFillRate,
  gibToBytes,
  limitBlockingGrowth,
  thresholdForAddedVolumes,
  type PolicyInput,
  type ScalingLimits,
  type UsageSample,
} from '../src/index.js';
import { anyLimits, anyState } from './policy-arbitraries.js';

const limitsArb = anyLimits();

/** A series of samples every 2 s on a filesystem of `totalGiB`, used bytes from the given deltas. */
const samplesArb: fc.Arbitrary<UsageSample[]> = fc
  .record({
    totalGiB: fc.integer({ min: 1, max: 20_000 }),
    startPercent: fc.double({ min: 0, max: 100, noNaN: true }),
    deltas: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 0, maxLength: 60 }),
  })
  .map(({ totalGiB, startPercent, deltas }) => {
    const total = totalGiB * GIB;
    let used = (startPercent / 100) * total;
    const samples: UsageSample[] = [];
    const push = (at: number) => {
      used = Math.min(total, Math.max(0, used));
      samples.push({ at, totalBytes: total, usedBytes: used, availableBytes: total - used, worstPercent: (used / total) * 100 });
    };
    push(0);
    deltas.forEach((delta, i) => {
      used += (delta / 100) * total;
      push((i + 1) * 2000);
    });
    return samples;
  });

const inputArb: fc.Arbitrary<PolicyInput> = fc
  .record({ samples: samplesArb, state: anyState })
  .map(({ samples, state }) => ({ now: samples.at(-1)!.at, samples, state }));

const policies = [
  ['compatibility', (limits: ScalingLimits, initial: number) => createCompatibilityPolicy({ limits, initialThresholdPercent: initial })],
  ['predictive', (limits: ScalingLimits, initial: number) => createPredictivePolicy({ limits, initialThresholdPercent: initial })],
] as const;

describe.each(policies)('%s policy invariants', (_name, make) => {
  it('sizes every new volume within [min, max] and never past the total limit', () => {
    fc.assert(
      fc.property(limitsArb, inputArb, fc.integer({ min: 1, max: 100 }), (limits, input, initial) => {
        const decision = make(limits, initial).decide(input);
        if (decision.action !== 'scale') return;
        expect(decision.sizeGiB).toBeGreaterThanOrEqual(limits.minVolumeGiB);
        expect(decision.sizeGiB).toBeLessThanOrEqual(limits.maxVolumeGiB);
        expect(Number.isInteger(decision.sizeGiB)).toBe(true);
        expect(input.state.addedGiB + decision.sizeGiB).toBeLessThanOrEqual(limits.maxTotalCreatedGiB);
      }),
    );
  });

  it('never decides to scale once a limit is reached', () => {
    fc.assert(
      fc.property(limitsArb, inputArb, fc.integer({ min: 1, max: 100 }), (limits, input, initial) => {
        const blocking = limitBlockingGrowth(limits, input.state);
        const decision = make(limits, initial).decide(input);
        if (blocking) expect(decision.action).not.toBe('scale');
        if (decision.action === 'limit') expect(decision.limit).toBe(blocking);
      }),
    );
  });

  it('counts reserved bytes as demand: with them, nothing to do means they are free, and scale-ups stay within the limits', () => {
    fc.assert(
      fc.property(
        limitsArb,
        inputArb,
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (limits, input, initial, reservedShare) => {
          const current = input.samples.at(-1)!;
          const reservedBytes = Math.round(reservedShare * current.totalBytes);
          const decision = make(limits, initial).decide({ ...input, reservedBytes });
          if (decision.action === 'none') expect(current.availableBytes).toBeGreaterThanOrEqual(reservedBytes);
          if (decision.action === 'scale') {
            expect(decision.sizeGiB).toBeGreaterThanOrEqual(limits.minVolumeGiB);
            expect(decision.sizeGiB).toBeLessThanOrEqual(limits.maxVolumeGiB);
            expect(input.state.addedGiB + decision.sizeGiB).toBeLessThanOrEqual(limits.maxTotalCreatedGiB);
          }
          // Demand never makes a policy less eager: what scales without reservations scales with them.
          if (make(limits, initial).decide(input).action !== 'none') expect(decision.action).not.toBe('none');
        },
      ),
    );
  });

  it('says what it lacks: a whole number of GiB, at least 1, beside every scale-up', () => {
    fc.assert(
      fc.property(limitsArb, inputArb, fc.integer({ min: 1, max: 100 }), (limits, input, initial) => {
        const decision = make(limits, initial).decide(input);
        if (decision.action !== 'scale') return;
        expect(Number.isInteger(decision.neededGiB)).toBe(true);
        expect(decision.neededGiB).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it('decides the same for the same samples', () => {
    fc.assert(
      fc.property(limitsArb, inputArb, (limits, input) => {
        const policy = make(limits, 50);
        expect(policy.decide(structuredClone(input))).toEqual(policy.decide(structuredClone(input)));
      }),
    );
  });
});

describe('compatibility policy: neededGiB', () => {
  it('is enough: with that much freed, the threshold no longer asks for a volume', () => {
    fc.assert(
      fc.property(
        limitsArb,
        inputArb,
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (limits, input, initial, reservedShare) => {
          const policy = createCompatibilityPolicy({ limits, initialThresholdPercent: initial });
          const current = input.samples.at(-1)!;
          const reservedBytes = Math.round(reservedShare * current.totalBytes * (initial / 100));
          const decision = policy.decide({ ...input, reservedBytes });
          if (decision.action !== 'scale') return;
          const freed = Math.min(current.usedBytes, decision.neededGiB! * GIB);
          if (freed < decision.neededGiB! * GIB) return; // not that much to free: a volume it is
          const usedBytes = current.usedBytes - freed;
          const after: UsageSample = {
            ...current,
            usedBytes,
            availableBytes: current.availableBytes + freed,
            worstPercent: (usedBytes / current.totalBytes) * 100,
          };
          expect(policy.decide({ ...input, samples: [...input.samples.slice(0, -1), after], reservedBytes }).action).toBe('none');
        },
      ),
    );
  });
});

describe('threshold schedule', () => {
  it('never decreases as volumes are added, and stays within (0, 100]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), (initial, added) => {
        const now = thresholdForAddedVolumes(added, initial);
        const next = thresholdForAddedVolumes(added + 1, initial);
        expect(next).toBeGreaterThanOrEqual(now);
        expect(now).toBeGreaterThan(0);
        expect(now).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('matches amazon-ebs-autoscale: 50% for 0–3 added volumes, 80% for 4–6, 90% from 7', () => {
    expect([0, 3, 4, 6, 7, 20].map((n) => thresholdForAddedVolumes(n, 50))).toEqual([50, 50, 80, 80, 90, 90]);
  });
});

describe('predictive policy against the threshold policy', () => {
  it('never scales later than the compatibility policy with the same threshold and limits', () => {
    fc.assert(
      fc.property(limitsArb, inputArb, fc.integer({ min: 1, max: 100 }), (limits, input, initial) => {
        const threshold = createCompatibilityPolicy({ limits, initialThresholdPercent: initial }).decide(input);
        const predictive = createPredictivePolicy({ limits, initialThresholdPercent: initial }).decide(input);
        if (threshold.action === 'scale') expect(predictive.action).toBe('scale');
        if (threshold.action === 'limit') expect(predictive).toMatchObject({ action: 'limit', limit: threshold.limit });
      }),
    );
  });

  it('scales before the threshold when the disk will be full within the lead time', () => {
    const rate = 500 * 1024 ** 2; // 500 MiB/s
    const total = 100 * GIB;
    const samples: UsageSample[] = Array.from({ length: 31 }, (_, i) => {
      const used = 10 * GIB + rate * i * 2;
      return { at: i * 2000, totalBytes: total, usedBytes: used, availableBytes: total - used, worstPercent: (used / total) * 100 };
    });
    // At the last sample: 39.3 GiB used (39%), 60.7 GiB left = about 124 s to full; lead 15 s × 2 = 30 s: not yet.
    const input = { now: 60_000, samples, state: { addedVolumes: 0, addedGiB: 0, attachedVolumes: 1 } };
    expect(createPredictivePolicy().decide(input).action).toBe('none');
    // With a measured lead time of 70 s, 124 s < 140 s: scale now, though only 39% full.
    const decision = createPredictivePolicy().decide({ ...input, state: { ...input.state, recentLeadTimesSeconds: [70] } });
    expect(decision).toMatchObject({ action: 'scale', trigger: 'predicted' });
    expect(createCompatibilityPolicy().decide(input).action).toBe('none');
  });
});

describe('fill-rate estimate', () => {
  it('estimates a constant fill rate within 1%', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 2e9, noNaN: true }),
        fc.integer({ min: 500, max: 10_000 }),
        fc.integer({ min: 10, max: 60 }),
        (rate, stepMs, count) => {
          const samples = Array.from({ length: count }, (_, i) => sample(i * stepMs, rate * ((i * stepMs) / 1000)));
          const estimate = estimateFillRate(samples, { windowSeconds: (count * stepMs) / 1000 });
          expect(Math.abs(estimate - rate) / rate).toBeLessThan(0.01);
        },
      ),
    );
  });

  it('is fooled by neither one burst nor one delete', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e6, max: 1e9, noNaN: true }),
        fc.integer({ min: 3, max: 26 }),
        fc.double({ min: 1e9, max: 1e12, noNaN: true }),
        fc.boolean(),
        (rate, at, jump, isBurst) => {
          let offset = 0;
          const samples = Array.from({ length: 31 }, (_, i) => {
            if (i === at) offset += isBurst ? jump : -Math.min(jump, rate * i * 2);
            return sample(i * 2000, rate * i * 2 + offset + 1e12);
          });
          const estimate = estimateFillRate(samples, { windowSeconds: 60 });
          expect(estimate).toBeGreaterThanOrEqual(rate * 0.9);
          expect(estimate).toBeLessThanOrEqual(rate * 1.1);
        },
      ),
    );
  });
});

describe('units', () => {
  it('round-trips bytes and GiB', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (bytes) => {
        expect(gibToBytes(bytesToGiB(bytes))).toBe(bytes);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65_536 }), (gib) => {
        expect(bytesToGiB(gibToBytes(gib))).toBe(gib);
      }),
    );
  });
});

function sample(at: number, used: number): UsageSample {
  const total = 1e13;
  return { at, totalBytes: total, usedBytes: used, availableBytes: total - used, worstPercent: (used / total) * 100 };
}
