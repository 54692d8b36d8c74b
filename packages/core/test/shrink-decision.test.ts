// The shrink decision (issue 17): each reason to hold, and the shrink, on hand-made traces.
import { describe, expect, it } from 'vitest';
import { GIB, decideShrink, type ShrinkInput, type ShrinkRule, type UsageSample } from '../src/index.js';
import { fillDuringRemoval } from '../src/shrink/shrink-decision.js';
import { watchRemoval } from '../src/shrink/removal-watch.js';
import { ManualClock } from '../src/testing.js';

const MINUTE = 60_000;
const rule: ShrinkRule = { highWaterFreePercent: 50, quietPeriodMs: 30 * MINUTE, minFreeBytes: 5 * GIB };
const candidate = { volumeId: 'vol-2', device: '/dev/nvme2n1', sizeBytes: 50 * GIB };

/** One sample a minute for `minutes`, ending at `now`, of a `totalGiB` filesystem using `usedGiB(minute)`. */
function trace(minutes: number, totalGiB: number, usedGiB: (minute: number) => number, now = 100 * MINUTE): UsageSample[] {
  return Array.from({ length: minutes + 1 }, (_, minute) => {
    const used = usedGiB(minute) * GIB;
    const total = totalGiB * GIB;
    return { at: now - (minutes - minute) * MINUTE, totalBytes: total, usedBytes: used, availableBytes: total - used, worstPercent: (used / total) * 100 };
  });
}

const input = (samples: UsageSample[], extra: Partial<ShrinkInput> = {}): ShrinkInput => ({
  now: 100 * MINUTE,
  samples,
  growThresholdPercent: 80,
  reservedBytes: 0,
  candidate,
  busy: false,
  ...extra,
});

describe('decideShrink', () => {
  it('shrinks after a quiet period above the high-water mark, when the rest stays well below the grow threshold', () => {
    const decision = decideShrink(input(trace(40, 150, () => 30)), rule);
    expect(decision).toMatchObject({ action: 'shrink', candidate, availableBytesAfter: 70 * GIB });
    expect(decision.action === 'shrink' && decision.worstPercentAfter).toBe(30);
  });

  it('holds, saying why', () => {
    const quiet = trace(40, 150, () => 30);
    const cases: [string, ShrinkInput][] = [
      ['busy', input(quiet, { busy: true })],
      ['no-candidate', input(quiet, { candidate: undefined })],
      ['too-few-samples', input(trace(20, 150, () => 30))],
      // One rise inside the quiet period, even a small one, restarts it.
      ['usage-rose', input(trace(40, 150, (minute) => (minute === 35 ? 31 : 30)))],
      ['below-high-water', input(trace(40, 150, () => 80))],
      // 30 GiB used of 100 after the removal, 70 available: not enough with 66 GiB reserved on top of the 5.
      ['min-free', input(quiet, { reservedBytes: 66 * GIB })],
      // 40 of 50 GiB after removing 100: 80 %, at the threshold, though free space was 73 % before.
      [
        'near-grow-threshold',
        input(
          trace(40, 150, () => 40),
          { candidate: { ...candidate, sizeBytes: 100 * GIB } },
        ),
      ],
    ];
    for (const [reason, shrinkInput] of cases) expect(decideShrink(shrinkInput, rule), reason).toEqual({ action: 'hold', reason });
  });

  it('a rise before the quiet period does not hold it, and deletes inside it do not either', () => {
    const samples = trace(60, 150, (minute) => (minute < 15 ? minute * 2 : 30 - (minute > 40 ? 5 : 0)));
    expect(decideShrink(input(samples), rule).action).toBe('shrink');
  });
});

describe('fillDuringRemoval', () => {
  const removal = { totalBytesBefore: 150 * GIB, sizeBytes: 50 * GIB, growThresholdPercent: 80 };
  it('cancels once the fill, projected onto the filesystem without the device, eats half the hysteresis margin', () => {
    // Without the device: 100 GiB. The shrink kept the worst gauge ≤ 70 %; half the margin is 75 %.
    expect(fillDuringRemoval(removal, { usedBytes: 75 * GIB, worstPercent: 50 }, rule)).toBe(false);
    expect(fillDuringRemoval(removal, { usedBytes: 76 * GIB, worstPercent: 50.6 }, rule)).toBe(true);
    // Another gauge (metadata) scaled the same way.
    expect(fillDuringRemoval(removal, { usedBytes: 10 * GIB, worstPercent: 52 }, rule)).toBe(true);
  });
});

describe('watchRemoval', () => {
  it('samples on the clock while the removal runs, aborts when a fill starts, and stops when told', async () => {
    const clock = new ManualClock();
    let used = 10 * GIB;
    let samples = 0;
    const sample = async () => {
      samples += 1;
      return { totalBytes: 150 * GIB, usedBytes: used, availableBytes: 150 * GIB - used, gauges: [{ kind: 'bytes', usedPercent: (used / (150 * GIB)) * 100 }] };
    };
    const watch = watchRemoval({ clock, intervalMs: 1000, sample, fillStarted: (s) => s.usedBytes > 70 * GIB });
    await clock.advance(3000);
    expect(watch.signal.aborted).toBe(false);
    expect(samples).toBe(3);
    used = 80 * GIB;
    await clock.advance(1000);
    expect(watch.signal.aborted).toBe(true);
    watch.stop();

    const quiet = watchRemoval({ clock, intervalMs: 1000, sample, fillStarted: () => false });
    await clock.advance(1000);
    quiet.stop();
    const before = samples;
    await clock.advance(10_000);
    expect(samples, 'no sample after stop()').toBe(before);
  });
});
