// The shrink decision's hysteresis under any usage trace (issue 17): no shrink is followed by a grow
// within the quiet period unless the fill rate changed, and no shrink leaves less than the minimum
// free space plus the reservations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GIB, decideShrink, type UsageSample } from '../src/index.js';

const STEP_MS = 60_000;

/** A usage trace as segments of constant fill rate (GiB per step; negative is deletes). */
const segmentsArb = fc.array(
  fc.record({
    steps: fc.integer({ min: 1, max: 200 }),
    // Flat stretches, fills and deletes alike; flat ones are where shrinks happen.
    rateGiB: fc.oneof(
      { arbitrary: fc.constant(0), weight: 2 },
      { arbitrary: fc.double({ min: -5, max: 0, noNaN: true }), weight: 2 },
      fc.double({ min: 0, max: 5, noNaN: true }),
    ),
  }),
  { minLength: 1, maxLength: 12 },
);
const segment = (steps: [number, number], rate: [number, number]) =>
  fc.record({ steps: fc.integer({ min: steps[0], max: steps[1] }), rateGiB: fc.double({ min: rate[0], max: rate[1], noNaN: true }) });
/**
 * Any segments; or a fill (it grows), a clean-up (deletes), a flat stretch and then any segments: the
 * shape of a CI runner's day, where shrinks happen and grows may follow.
 */
const traceArb = fc.oneof(
  segmentsArb,
  fc
    .tuple(segment([1, 60], [1, 10]), segment([5, 60], [-10, -1]), segment([1, 120], [0, 0]), segmentsArb)
    .map(([fill, cleanUp, flat, rest]) => [fill, cleanUp, flat, ...rest]),
);

const worldArb = fc.record({
  trace: traceArb,
  initialGiB: fc.integer({ min: 50, max: 500 }),
  addGiB: fc.integer({ min: 10, max: 500 }),
  startUsedPercent: fc.double({ min: 0, max: 99, noNaN: true }),
  growThresholdPercent: fc.integer({ min: 50, max: 95 }),
  rule: fc.record({
    highWaterFreePercent: fc.integer({ min: 10, max: 80 }),
    quietPeriodMs: fc.integer({ min: 5, max: 90 }).map((steps) => steps * STEP_MS),
    minFreeBytes: fc.integer({ min: 0, max: 10 }).map((gib) => gib * GIB),
  }),
  reservedGiB: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 })),
});

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

interface Event {
  readonly kind: 'grow' | 'shrink';
  readonly step: number;
}

/**
 * Runs the trace one step at a time: usage moves by the segment's rate; a worst gauge at or above the
 * threshold grows by a device (instantly), else decideShrink() may remove the newest added device.
 * Returns what happened and the fill rate at every step.
 */
function simulate(world: World) {
  const rates = world.trace.flatMap((segment) => Array.from({ length: segment.steps }, () => segment.rateGiB * GIB));
  let total = world.initialGiB * GIB;
  let used = (world.startUsedPercent / 100) * total;
  const added: number[] = [];
  const samples: UsageSample[] = [];
  const events: Event[] = [];
  const availableAfterShrinks: number[] = [];
  rates.forEach((rate, step) => {
    used = Math.min(Math.max(used + rate, 0), total);
    const sample = { at: step * STEP_MS, totalBytes: total, usedBytes: used, availableBytes: total - used, worstPercent: (used / total) * 100 };
    samples.push(sample);
    if (sample.worstPercent >= world.growThresholdPercent) {
      total += world.addGiB * GIB;
      added.push(world.addGiB * GIB);
      events.push({ kind: 'grow', step });
      return;
    }
    const size = added.at(-1);
    const decision = decideShrink(
      {
        now: sample.at,
        samples,
        growThresholdPercent: world.growThresholdPercent,
        reservedBytes: world.reservedGiB * GIB,
        candidate: size === undefined ? undefined : { volumeId: `vol-${added.length}`, device: `/dev/added${added.length}`, sizeBytes: size },
        busy: false,
      },
      world.rule,
    );
    if (decision.action === 'shrink') {
      total -= decision.candidate.sizeBytes;
      added.pop();
      events.push({ kind: 'shrink', step });
      availableAfterShrinks.push(total - used);
    }
  });
  return { rates, events, availableAfterShrinks };
}

describe('decideShrink under any usage trace', () => {
  it('no shrink is followed by a grow within the quiet period unless the fill rate changed', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { rates, events } = simulate(world);
        const quietSteps = world.rule.quietPeriodMs / STEP_MS;
        for (const shrink of events.filter((event) => event.kind === 'shrink')) {
          const grow = events.find((event) => event.kind === 'grow' && event.step > shrink.step && event.step <= shrink.step + quietSteps);
          if (grow === undefined) continue;
          const rateChanged = rates.slice(shrink.step + 1, grow.step + 1).some((rate) => rate !== rates[shrink.step]);
          expect(rateChanged, `shrink at step ${shrink.step}, grow at ${grow.step}, both at ${rates[shrink.step]! / GIB} GiB per step`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shrinks, and grows again after a shrink, on some of the traces: the properties are not vacuous', () => {
    const runs = fc.sample(worldArb, { numRuns: 300, seed: 17 }).map((world) => simulate(world).events);
    expect(runs.filter((events) => events.some((event) => event.kind === 'shrink')).length).toBeGreaterThan(10);
    expect(runs.filter((events) => events.some((event, index) => event.kind === 'shrink' && events[index + 1]?.kind === 'grow')).length).toBeGreaterThan(0);
  });

  it('no shrink leaves less available than the minimum free space plus the reservations', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        for (const available of simulate(world).availableAfterShrinks)
          expect(available).toBeGreaterThanOrEqual(world.rule.minFreeBytes + world.reservedGiB * GIB);
      }),
      { numRuns: 300 },
    );
  });
});
