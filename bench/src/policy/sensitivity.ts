import { runTrace, type Contender, type RunOptions } from './run.js';
import { constantFill, genomics, type Trace } from './workloads.js';

/**
 * Neighbours of the benchmark's workloads: the genomics step at every decompression ratio the issue
 * names (3–5×) and three input sizes, and constant fills within gp3's range that stop at other
 * amounts than 1 TiB. A parameter set picked on one instance of each workload can owe its ratio to
 * where the data happened to stop against its volume sizes; these show whether it holds nearby.
 */
export function neighbourTraces(): Trace[] {
  const traces: Trace[] = [];
  for (const factor of [3, 4, 5]) for (const inputGiB of [40, 60, 80]) if (factor !== 4 || inputGiB !== 60) traces.push(genomics(factor, inputGiB)); // 4× 60 GiB is the benchmark's own
  for (const rate of [300, 600, 800, 1000]) for (const totalGiB of [700, 850, 1150, 1300]) traces.push(constantFill(rate, totalGiB));
  return traces;
}

/** How one contender fared on the neighbours, against the baseline on the same traces. */
export interface Sensitivity {
  readonly contender: string;
  readonly runs: number;
  /** Over-provisioned GiB-hours ÷ the baseline's, trace by trace (in {@link neighbourTraces} order). */
  readonly ratios: readonly number[];
  /** Traces where the baseline had no out-of-space and the contender had some. */
  readonly newOutOfSpace: string[];
  readonly worstRatio: number;
  readonly worstTrace: string;
  readonly meanRatio: number;
  /** Traces above `maxRatio`× the baseline's over-provisioned GiB-hours. */
  readonly overGoal: number;
}

/** Runs every neighbour trace under the baseline and each contender. */
export async function sensitivity(
  contenders: readonly Contender[],
  options: RunOptions = {},
  maxRatio = 0.6,
): Promise<{ traces: Trace[]; baselineGiBHours: number[]; contenders: Sensitivity[] }> {
  const traces = neighbourTraces();
  const base = [];
  for (const trace of traces) base.push(await runTrace(trace, { name: 'amazon-ebs-autoscale', kind: 'baseline' }, options));
  const results: Sensitivity[] = [];
  for (const contender of contenders) {
    const ratios: { trace: string; ratio: number }[] = [];
    const newOutOfSpace: string[] = [];
    for (const [i, trace] of traces.entries()) {
      const run = await runTrace(trace, contender, options);
      if (base[i]!.outOfSpaceEvents === 0 && run.outOfSpaceEvents > 0) newOutOfSpace.push(trace.name);
      ratios.push({ trace: trace.name, ratio: run.overProvisionedGiBHours / base[i]!.overProvisionedGiBHours });
    }
    const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    results.push({
      contender: contender.name,
      runs: traces.length,
      ratios: ratios.map((r) => r.ratio),
      newOutOfSpace,
      worstRatio: worst.ratio,
      worstTrace: worst.trace,
      meanRatio: ratios.reduce((sum, r) => sum + r.ratio, 0) / ratios.length,
      overGoal: ratios.filter((r) => r.ratio > maxRatio).length,
    });
  }
  return { traces, baselineGiBHours: base.map((run) => run.overProvisionedGiBHours), contenders: results };
}
