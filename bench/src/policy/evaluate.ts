import { runTrace, type Contender, type RunOptions, type RunResult } from './run.js';
import { BEYOND_GP3_RATES, constantFill, namedWorkloads, SWEEP_RATES } from './workloads.js';

/** Every run of one contender: the constant-fill sweep and the named workloads. */
export interface Evaluation {
  readonly contender: string;
  readonly sweep: readonly (RunResult & { readonly rate: number })[];
  readonly workloads: readonly RunResult[];
  /** Highest swept rate, MiB/s, with zero out-of-space at it and at every lower rate. */
  readonly highestSurvivedRate: number;
}

/** Runs the sweep (up to and beyond gp3's maximum) and the named workloads. */
export async function evaluate(contender: Contender, options: RunOptions = {}): Promise<Evaluation> {
  const sweep: (RunResult & { rate: number })[] = [];
  for (const rate of [...SWEEP_RATES, ...BEYOND_GP3_RATES]) sweep.push({ rate, ...(await runTrace(constantFill(rate), contender, options)) });
  const workloads: RunResult[] = [];
  for (const trace of namedWorkloads(options.seed ?? 1)) workloads.push(await runTrace(trace, contender, options));
  let highestSurvivedRate = 0;
  for (const run of sweep) {
    if (run.outOfSpaceEvents > 0) break;
    highestSurvivedRate = run.rate;
  }
  return { contender: contender.name, sweep, workloads, highestSurvivedRate };
}

/** Every run of an evaluation, sweep first. */
export function allRuns(evaluation: Evaluation): RunResult[] {
  return [...evaluation.sweep, ...evaluation.workloads];
}

/** How a candidate compares with the baseline, run by run. */
export interface Verdict {
  /** Runs where the baseline had no out-of-space and the candidate had some. */
  readonly newOutOfSpace: string[];
  readonly survivesHigher: boolean;
  /** Largest over-provisioned GiB-hours ratio to the baseline over all runs up to gp3's maximum. */
  readonly worstOverRatio: number;
  /** Total over-provisioned GiB-hours ratio to the baseline over the same runs. */
  readonly totalOverRatio: number;
  readonly meetsGoal: boolean;
}

/** The goal: no new out-of-space, a higher survived rate, and ≤ 0.6× the baseline's over-provisioning in every run. */
export function judge(candidate: Evaluation, baseline: Evaluation, maxRatio = 0.6): Verdict {
  const base = allRuns(baseline);
  const mine = allRuns(candidate);
  const newOutOfSpace: string[] = [];
  let worstOverRatio = 0;
  let baseTotal = 0;
  let mineTotal = 0;
  mine.forEach((run, i) => {
    const b = base[i]!;
    if (b.outOfSpaceEvents === 0 && run.outOfSpaceEvents > 0) newOutOfSpace.push(run.workload);
    if ('rate' in run && (run as { rate: number }).rate > 1000) return;
    worstOverRatio = Math.max(worstOverRatio, run.overProvisionedGiBHours / b.overProvisionedGiBHours);
    baseTotal += b.overProvisionedGiBHours;
    mineTotal += run.overProvisionedGiBHours;
  });
  const survivesHigher = candidate.highestSurvivedRate > baseline.highestSurvivedRate;
  const totalOverRatio = mineTotal / baseTotal;
  return {
    newOutOfSpace,
    survivesHigher,
    worstOverRatio,
    totalOverRatio,
    meetsGoal: newOutOfSpace.length === 0 && survivesHigher && worstOverRatio <= maxRatio,
  };
}
