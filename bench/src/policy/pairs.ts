import { GIB } from '@ebs-autoscale/core';
import { announcedStep, DOWNLOAD_STEP, unannouncedStep, type StepShape } from './announced-step.js';
import { imageChurn, withImageReclaim } from './image-churn.js';
import { runTrace, type Contender, type RunResult } from './run.js';

/** One run of a pair: which side, and what that side alone measured. */
export interface PairRun extends RunResult {
  /** `unannounced`/`announced`, `reclaim off`/`reclaim on`. */
  readonly variant: string;
  /** Seconds the announced step waited for its grant. */
  readonly waitedSeconds?: number;
  /** The reservation's refusal, when refused. */
  readonly refused?: string;
  /** GiB the reclaimer removed. */
  readonly reclaimedGiB?: number;
  /** Reclaim rounds by mode (`before-provisioning`, `alongside-provisioning`, `at-limit`). */
  readonly reclaimRounds?: Readonly<Record<string, number>>;
}

/**
 * Issue 16's two workload pairs, each side on the same trace: a step announced with its size
 * (`reserve()` before it writes) against the same step unannounced, and the image churn with and
 * without a reclaimer. The baseline runs only the side it can (unannounced, no reclaim).
 */
export async function runPairs(contenders: readonly Contender[], step: StepShape = DOWNLOAD_STEP, seed = 1): Promise<PairRun[]> {
  const runs: PairRun[] = [];
  const stepOptions = { seed, initialUsedGiB: step.usedGiB };
  for (const contender of contenders) {
    runs.push({ variant: 'unannounced', ...(await runTrace(unannouncedStep(step), contender, stepOptions)) });
    if (contender.kind === 'baseline') continue;
    const announced = announcedStep(step);
    const result = await runTrace(announced.trace, contender, { ...stepOptions, hooks: announced.hooks });
    runs.push({ variant: 'announced', ...result, ...announced.outcome });
  }
  const { trace, images } = imageChurn(seed);
  for (const contender of contenders) {
    runs.push({ variant: 'reclaim off', ...(await runTrace(trace, contender, { seed })), workload: `${trace.name}, reclaim off` });
    if (contender.kind === 'baseline') continue;
    const reclaim = withImageReclaim(images);
    const result = await runTrace(trace, contender, { seed, hooks: reclaim.hooks });
    runs.push({
      variant: 'reclaim on',
      ...result,
      workload: `${trace.name}, reclaim on`,
      reclaimedGiB: reclaim.reclaimed() / GIB,
      reclaimRounds: reclaim.rounds,
    });
  }
  return runs;
}
