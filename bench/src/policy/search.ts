import { createPredictivePolicy, type PredictivePolicyOptions } from '@ebs-autoscale/core';
import { evaluate, judge, type Evaluation, type Verdict } from './evaluate.js';
import type { RunOptions } from './run.js';

/** One tried parameter set and how it fared. */
export interface Candidate {
  readonly options: PredictivePolicyOptions;
  readonly evaluation: Evaluation;
  readonly verdict: Verdict;
}

/** Stage 1: threshold × horizon × safety. Stage 2 varies lead time and rate window around the best. */
const STAGE_1 = { initialThresholdPercent: [70, 80, 90, 95, 98], horizonSeconds: [60, 120, 300, 600], safetyFactor: [2, 3] };
const STAGE_2 = { leadTimeSeconds: [15, 30, 60], rateWindowSeconds: [30, 60, 120] };

/**
 * A grid search over createPredictivePolicy's options against the baseline. Candidates that add an
 * out-of-space anywhere the baseline has none, or do not survive a higher rate, are ranked last; the
 * rest by their worst per-run over-provisioning ratio, then the total ratio.
 */
export async function searchPredictive(baseline: Evaluation, runOptions: RunOptions = {}): Promise<Candidate[]> {
  const tried: Candidate[] = [];
  const attempt = async (options: PredictivePolicyOptions) => {
    const evaluation = await evaluate({ name: describe(options), kind: 'autoscaler', policy: () => createPredictivePolicy(options) }, runOptions);
    tried.push({ options, evaluation, verdict: judge(evaluation, baseline) });
  };
  for (const initialThresholdPercent of STAGE_1.initialThresholdPercent)
    for (const horizonSeconds of STAGE_1.horizonSeconds)
      for (const safetyFactor of STAGE_1.safetyFactor) await attempt({ initialThresholdPercent, horizonSeconds, safetyFactor });
  const best = rank(tried)[0]!.options;
  for (const leadTimeSeconds of STAGE_2.leadTimeSeconds)
    for (const rateWindowSeconds of STAGE_2.rateWindowSeconds) {
      if (leadTimeSeconds === 15 && rateWindowSeconds === 60) continue; // the defaults: already tried
      await attempt({ ...best, leadTimeSeconds, rateWindowSeconds });
    }
  return rank(tried);
}

/** Best first. */
export function rank(candidates: readonly Candidate[]): Candidate[] {
  const safe = (c: Candidate) => c.verdict.newOutOfSpace.length === 0 && c.verdict.survivesHigher;
  return [...candidates].sort((a, b) => {
    if (safe(a) !== safe(b)) return safe(a) ? -1 : 1;
    return a.verdict.worstOverRatio - b.verdict.worstOverRatio || a.verdict.totalOverRatio - b.verdict.totalOverRatio;
  });
}

/** A short label: only the options that differ from the defaults. */
export function describe(options: PredictivePolicyOptions): string {
  const short: Record<string, string> = {
    initialThresholdPercent: 'threshold',
    leadTimeSeconds: 'lead',
    safetyFactor: 'safety',
    horizonSeconds: 'horizon',
    rateWindowSeconds: 'window',
  };
  const parts = Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${short[k] ?? k}=${String(v)}`);
  return parts.length ? `predictive (${parts.join(', ')})` : 'predictive (defaults)';
}
