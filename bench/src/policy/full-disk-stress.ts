import { GIB, MIB } from '@ebs-autoscale/core';
import { DEFAULT_LATENCIES, FIXED_LATENCIES, type Latencies } from './latencies.js';
import { runTrace, type Contender } from './run.js';
import { traceFromIntervals, type Trace } from './workloads.js';

/** Seconds of slow writing before the fast writer starts: two of the predictive policy's rate windows. */
const QUIET_SECONDS = 120;

/** One case: a disk found nearly full and writing slowly, then a fast writer. */
export interface FullDiskCase {
  readonly trace: Trace;
  readonly initialGiB: number;
  readonly initialUsedGiB: number;
  readonly latencies: Latencies;
}

/**
 * The case the named workloads never start from: a disk already nearly full when a job begins writing
 * at full speed. Disks of 20–500 GiB are found full to 80–94 % minus what {@link QUIET_SECONDS} of slow
 * writing (1 or 20 MiB/s) adds, so that the fast writer starts at that fullness with a quiet history
 * behind it; it then adds 300 GiB at 200–1000 MiB/s. Each under the fixed and the drawn EBS latencies.
 * A policy with a 50 % threshold scaled such a disk long ago; one that waits for the rate estimate
 * must not be caught out.
 */
export function fullDiskCases(): FullDiskCase[] {
  const cases: FullDiskCase[] = [];
  for (const [latencyName, latencies] of [
    ['fixed', FIXED_LATENCIES],
    ['drawn', DEFAULT_LATENCIES],
  ] as const) {
    for (const initialGiB of [20, 50, 100, 200, 500]) {
      for (const fullPercent of [80, 84, 86, 87, 88, 89, 89.5, 91, 94]) {
        for (const fastMiB of [200, 400, 676, 1000]) {
          for (const slowMiB of [1, 20]) {
            const quietGiB = (slowMiB * MIB * QUIET_SECONDS) / GIB;
            const fastEnd = QUIET_SECONDS + (300 * GIB) / (fastMiB * MIB);
            const name = `${initialGiB} GiB at ${fullPercent}% (${slowMiB} MiB/s), then ${fastMiB} MiB/s, ${latencyName} latencies`;
            const trace = traceFromIntervals(name, name, fastEnd + 60, [
              { start: 0, end: QUIET_SECONDS, rate: slowMiB * MIB },
              { start: QUIET_SECONDS, end: fastEnd, rate: fastMiB * MIB },
            ]);
            cases.push({ trace, initialGiB, initialUsedGiB: Math.max(0, (initialGiB * fullPercent) / 100 - quietGiB), latencies });
          }
        }
      }
    }
  }
  return cases;
}

/** Per contender: runs with any out-of-space event, and a few of them by name. */
export interface StressOutcome {
  readonly contender: string;
  readonly runs: number;
  readonly runsOutOfSpace: number;
  readonly examples: readonly string[];
}

export async function fullDiskStress(contenders: readonly Contender[]): Promise<StressOutcome[]> {
  const cases = fullDiskCases();
  const outcomes: StressOutcome[] = [];
  for (const contender of contenders) {
    const failed: string[] = [];
    for (const { trace, initialGiB, initialUsedGiB, latencies } of cases) {
      const result = await runTrace(trace, contender, { initialGiB, initialUsedGiB, latencies });
      if (result.outOfSpaceEvents > 0) failed.push(trace.name);
    }
    outcomes.push({ contender: contender.name, runs: cases.length, runsOutOfSpace: failed.length, examples: failed.slice(0, 2) });
  }
  return outcomes;
}
