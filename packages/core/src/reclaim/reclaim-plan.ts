import type { Decision, ScalingLimits } from '../policy/policy.js';
import { GIB } from '../units.js';

/** How a reclaim round relates to the scale-up the policy asked for. */
export type ReclaimMode = 'before-provisioning' | 'alongside-provisioning' | 'at-limit';

/** Options of the reclaim step (`StorageAutoscalerOptions.reclaim`). */
export interface ReclaimOptions {
  /**
   * The longest a round may hold back a scale-up, ms; the policy's slack (time to full less its lead
   * time × safety) shortens it. Default 30 s: a `docker image rm` of an unused image takes well under
   * a second, so 30 s removes many, and a threshold-triggered scale-up with no fast fill loses nothing
   * by waiting that long.
   */
  readonly budgetMs?: number;
  /**
   * After a round at a limit that freed less than it was asked, no new round at the limit for this long,
   * ms, so a limit that lasts does not ask the reclaimers every sample. Rounds before a scale-up have
   * none: each scale-up asks first. Default 60 s.
   */
  readonly cooldownMs?: number;
}

/** One round to run. */
export interface ReclaimPlan {
  readonly mode: ReclaimMode;
  readonly targetBytes: number;
  readonly budgetMs: number;
}

export const DEFAULT_RECLAIM_BUDGET_MS = 30_000;
export const DEFAULT_RECLAIM_COOLDOWN_MS = 60_000;

/**
 * What to reclaim for a decision, and whether the scale-up may wait for it. Reclaimers run first only
 * while the volume, bought after them, would still arrive in time by the policy's lead time: the
 * budget is the lesser of `budgetMs` and the decision's slack. A slack shorter than one sampling
 * interval (the round's result is seen at the next sample at the earliest) is no time at all: both run.
 * The target is the space the policy lacks (`neededGiB`, else the volume's `sizeGiB`), so no more is
 * removed than a volume was needed for; at a limit, the smallest volume it could have bought.
 */
export function planReclaim(decision: Decision, limits: ScalingLimits, budgetMs: number, intervalMs: number): ReclaimPlan | undefined {
  if (decision.action === 'none') return undefined;
  if (decision.action === 'limit') return { mode: 'at-limit', targetBytes: limits.minVolumeGiB * GIB, budgetMs };
  const slackMs = decision.slackSeconds === undefined ? Number.POSITIVE_INFINITY : decision.slackSeconds * 1000;
  const first = Math.min(budgetMs, slackMs);
  const targetBytes = (decision.neededGiB ?? decision.sizeGiB) * GIB;
  if (first < intervalMs) return { mode: 'alongside-provisioning', targetBytes, budgetMs };
  return { mode: 'before-provisioning', targetBytes, budgetMs: first };
}
