import { GIB, MIB } from '@ebs-autoscale/core';
import { createRandom, exponential, logNormal } from '../sim/random.js';

/**
 * A write/delete trace: a piecewise-constant write rate and point deletes. Seconds and bytes.
 * `changes` is sorted and starts at 0; the rate holds until the next change.
 */
export interface Trace {
  readonly name: string;
  /** What it models, for the results page. */
  readonly description: string;
  readonly durationSeconds: number;
  readonly changes: readonly { readonly at: number; readonly rate: number }[];
  readonly deletes: readonly { readonly at: number; readonly bytes: number }[];
}

/** Builds a trace from overlapping write intervals: their rates add up. */
export function traceFromIntervals(
  name: string,
  description: string,
  durationSeconds: number,
  intervals: readonly { start: number; end: number; rate: number }[],
  deletes: readonly { at: number; bytes: number }[] = [],
): Trace {
  const edges = new Map<number, number>();
  for (const { start, end, rate } of intervals) {
    if (end <= start || rate <= 0) continue;
    edges.set(start, (edges.get(start) ?? 0) + rate);
    edges.set(end, (edges.get(end) ?? 0) - rate);
  }
  const changes: { at: number; rate: number }[] = [{ at: 0, rate: 0 }];
  let rate = 0;
  for (const at of [...edges.keys()].sort((a, b) => a - b)) {
    rate = Math.max(0, rate + edges.get(at)!);
    if (changes.at(-1)!.at === at) changes[changes.length - 1] = { at, rate };
    else changes.push({ at, rate });
  }
  return { name, description, durationSeconds, changes, deletes: [...deletes].sort((a, b) => a.at - b.at) };
}

/**
 * Constant fill at `mibPerSecond` until `totalGiB` (1 TiB) is written or 2 hours pass, then 30 minutes
 * of holding the data (the step ends, its outputs wait to be copied out).
 */
export function constantFill(mibPerSecond: number, totalGiB = 1024): Trace {
  const rate = mibPerSecond * MIB;
  const fillSeconds = Math.min((totalGiB * GIB) / rate, 7200);
  const name = totalGiB === 1024 ? `constant ${mibPerSecond} MiB/s` : `constant ${mibPerSecond} MiB/s, ${totalGiB} GiB`;
  return traceFromIntervals(name, `writes at ${mibPerSecond} MiB/s for ${Math.round(fillSeconds)} s, then holds 30 min`, fillSeconds + 1800, [
    { start: 0, end: fillSeconds, rate },
  ]);
}

/**
 * A Batch host running hundreds of short container jobs. Jobs arrive as a Poisson process (mean gap
 * 20 s, 360 jobs over 2 h); 60% of them need an image not yet cached, pulled at 250 MiB/s (a
 * 2–3 Gbit/s registry pull), sized log-normal with median 1.5 GiB and p99 12 GiB (genomics images
 * with reference data baked in). Images stay in the cache; each job also writes 0.5–4 GiB of scratch
 * at 150 MiB/s and deletes it when it ends.
 */
export function imagePulls(seed = 1): Trace {
  const random = createRandom(seed);
  const imageSize = logNormal(1.5 * GIB, 12 * GIB);
  const intervals: { start: number; end: number; rate: number }[] = [];
  const deletes: { at: number; bytes: number }[] = [];
  let t = 0;
  for (let job = 0; job < 360; job += 1) {
    t += exponential(random, 20);
    let start = t;
    if (random() < 0.6) {
      const bytes = imageSize(random);
      const end = start + bytes / (250 * MIB);
      intervals.push({ start, end, rate: 250 * MIB });
      start = end;
    }
    const scratch = (0.5 + 3.5 * random()) * GIB;
    const end = start + scratch / (150 * MIB);
    intervals.push({ start, end, rate: 150 * MIB });
    deletes.push({ at: end + 30 + 120 * random(), bytes: scratch });
  }
  return traceFromIntervals(
    'image pulls',
    '360 short container jobs in 2 h, 60% pulling an uncached image (median 1.5 GiB, p99 12 GiB) at 250 MiB/s, each writing and deleting 0.5–4 GiB of scratch',
    t + 1800,
    intervals,
    deletes,
  );
}

/**
 * A genomics step, three samples in a row: download `inputGiB` (60) of compressed reads from S3 at
 * 400 MiB/s, decompress `factor`× (4×: 240 GiB at 600 MiB/s), delete the inputs, align and write
 * 40 GiB of output at 200 MiB/s, delete the decompressed reads.
 */
export function genomics(factor = 4, inputGiB = 60): Trace {
  const intervals: { start: number; end: number; rate: number }[] = [];
  const deletes: { at: number; bytes: number }[] = [];
  let t = 0;
  const phase = (bytes: number, mibPerSecond: number) => {
    const end = t + bytes / (mibPerSecond * MIB);
    intervals.push({ start: t, end, rate: mibPerSecond * MIB });
    t = end;
  };
  for (let sample = 0; sample < 3; sample += 1) {
    phase(inputGiB * GIB, 400);
    phase(inputGiB * factor * GIB, 600);
    deletes.push({ at: t, bytes: inputGiB * GIB });
    t += 5;
    phase(40 * GIB, 200);
    deletes.push({ at: t, bytes: inputGiB * factor * GIB });
    t += 60;
  }
  const standard = factor === 4 && inputGiB === 60;
  const description = `3 samples: download ${inputGiB} GiB at 400 MiB/s, decompress ${factor}× at 600 MiB/s, delete inputs, write 40 GiB output at 200 MiB/s, delete the reads`;
  return traceFromIntervals(standard ? 'genomics' : `genomics ${factor}× ${inputGiB} GiB`, description, t + 1800, intervals, deletes);
}

/** A slow fill over three days: on average 1 MiB/s, twice as fast by day as by night (hourly steps). */
export function slowFill(): Trace {
  const intervals: { start: number; end: number; rate: number }[] = [];
  for (let hour = 0; hour < 72; hour += 1) {
    const day = Math.sin(((hour % 24) / 24) * 2 * Math.PI);
    intervals.push({ start: hour * 3600, end: (hour + 1) * 3600, rate: (1 + day / 3) * MIB });
  }
  return traceFromIntervals('slow fill', '3 days at ~1 MiB/s on average, varying with the hour of day', 72 * 3600, intervals);
}

/**
 * Delete-heavy: 40 cycles of writing 45 GiB at 300 MiB/s and deleting 40 GiB ten seconds later: the
 * disk churns through 1.8 TiB but only grows 200 GiB, so a policy that reads churn as growth
 * over-provisions.
 */
export function deleteHeavy(): Trace {
  const intervals: { start: number; end: number; rate: number }[] = [];
  const deletes: { at: number; bytes: number }[] = [];
  let t = 0;
  for (let cycle = 0; cycle < 40; cycle += 1) {
    const end = t + (45 * GIB) / (300 * MIB);
    intervals.push({ start: t, end, rate: 300 * MIB });
    deletes.push({ at: end + 10, bytes: 40 * GIB });
    t = end + 40;
  }
  return traceFromIntervals(
    'delete-heavy',
    '40 cycles: write 45 GiB at 300 MiB/s, delete 40 GiB 10 s later (1.8 TiB churn, 200 GiB net growth)',
    t + 1800,
    intervals,
    deletes,
  );
}

/** The fill rates of the survival sweep, MiB/s: from 10 to gp3's maximum throughput (1000 MiB/s). */
export const SWEEP_RATES = [10, 25, 50, 100, 150, 200, 300, 400, 500, 600, 700, 800, 900, 1000] as const;

/**
 * Beyond one gp3 volume's maximum: a btrfs spread over several volumes, or data landing from the
 * network or instance store, can fill faster. Used only to find where each policy breaks.
 */
export const BEYOND_GP3_RATES = [1250, 1500, 2000, 2500, 3000, 4000] as const;

/** The named workloads of the benchmark (constant fills are swept separately). */
export function namedWorkloads(seed = 1): Trace[] {
  return [imagePulls(seed), genomics(), slowFill(), deleteHeavy()];
}
