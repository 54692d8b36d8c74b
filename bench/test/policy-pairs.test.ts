import { createCompatibilityPolicy, createPredictivePolicy, GIB } from '@ebs-autoscale/core';
import { InMemoryDriver, MemoryHost } from '@ebs-autoscale/core/testing';
import { describe, expect, it } from 'vitest';
import { FillModel } from '../src/policy/fill-model.js';
import { runPairs, type PairRun } from '../src/policy/pairs.js';
import { traceFromIntervals } from '../src/policy/workloads.js';

const contenders = [
  { name: 'amazon-ebs-autoscale', kind: 'baseline' },
  { name: 'compatibility', kind: 'autoscaler', policy: () => createCompatibilityPolicy() },
  { name: 'predictive (defaults)', kind: 'autoscaler', policy: () => createPredictivePolicy() },
] as const;

const pick = (runs: PairRun[], contender: string, variant: string) => runs.find((r) => r.contender === contender && r.variant === variant)!;

describe('FillModel.scheduleWrite', () => {
  it('adds a write from a moment of the run on, on top of the trace', () => {
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB });
    const model = new FillModel(driver, 100 * GIB, traceFromIntervals('t', 't', 100, [{ start: 0, end: 50, rate: 0.1 * GIB }]));
    model.advanceTo(20);
    model.scheduleWrite(30, 40, 1 * GIB);
    model.advanceTo(100);
    expect(model.usedBytes / GIB).toBeCloseTo(5 + 10);
    expect(() => model.scheduleWrite(10, 20, GIB)).toThrow(/before the model's present/);
  });
});

describe('issue 16 pairs (as measured: bench/out/policy.md)', async () => {
  const runs = await runPairs(contenders);

  it('runs both sides for the autoscaler, one for the baseline', () => {
    expect(runs.map((r) => `${r.contender}: ${r.variant}`)).toEqual([
      'amazon-ebs-autoscale: unannounced',
      'compatibility: unannounced',
      'compatibility: announced',
      'predictive (defaults): unannounced',
      'predictive (defaults): announced',
      'amazon-ebs-autoscale: reclaim off',
      'compatibility: reclaim off',
      'compatibility: reclaim on',
      'predictive (defaults): reclaim off',
      'predictive (defaults): reclaim on',
    ]);
  });

  for (const policy of ['compatibility', 'predictive (defaults)']) {
    it(`${policy}: the announced step is granted and sees no ENOSPC; it holds more free space than unannounced, which sees none either`, () => {
      const announced = pick(runs, policy, 'announced');
      const unannounced = pick(runs, policy, 'unannounced');
      expect(announced.refused).toBeUndefined();
      expect(announced.waitedSeconds).toBeGreaterThan(0);
      expect(announced.outOfSpaceEvents).toBe(0);
      expect(announced.droppedBytes).toBe(0);
      // The model's reactive policies keep up with 1 GiB/s from 40 GiB free, so announcing avoids no
      // ENOSPC here; the reservation counts in full while the step writes into it, so more is bought.
      expect(unannounced.outOfSpaceEvents).toBe(0);
      expect(announced.overProvisionedGiBHours).toBeGreaterThan(1.5 * unannounced.overProvisionedGiBHours);
      expect(announced.peakAllocatedGiB).toBeGreaterThan(unannounced.peakAllocatedGiB);
    });

    it(`${policy}: reclaiming the churn's unused images buys fewer GiB-hours and volumes, with no ENOSPC`, () => {
      const on = pick(runs, policy, 'reclaim on');
      const off = pick(runs, policy, 'reclaim off');
      expect(on.outOfSpaceEvents).toBe(0);
      expect(off.outOfSpaceEvents).toBe(0);
      expect(on.reclaimedGiB).toBeGreaterThan(100);
      expect(on.allocatedGiBHours).toBeLessThan(0.9 * off.allocatedGiBHours);
      expect(on.volumesCreated).toBeLessThan(off.volumesCreated);
    });
  }
});
