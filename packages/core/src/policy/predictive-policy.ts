import { GIB } from '../units.js';
import { sizeForAddedVolumes, thresholdForAddedVolumes, validateThreshold } from './compatibility-policy.js';
import { estimateFillRate } from './fill-rate.js';
import { clampVolumeSize, limitBlockingGrowth, resolveLimits } from './limits.js';
import type { Decision, PolicyInput, ScalingLimits, ScalingPolicy } from './policy.js';
import { EbsAutoscaleError } from '../errors.js';

/** Options of {@link createPredictivePolicy}. */
export interface PredictivePolicyOptions {
  /**
   * Threshold for the first volumes, percent, stepping up as the compatibility schedule does. Default 90:
   * the prediction, not the threshold, is what scales early for a fast fill; `pnpm bench:policy` measured
   * 90 with a 300 s horizon at 0.46× the baseline's over-provisioned GiB-hours with no new out-of-space
   * event, where 50 with a 3600 s horizon held 1.78×.
   */
  initialThresholdPercent?: number;
  /** Sampling interval, ms. Default 2000. */
  intervalMs?: number;
  /**
   * Seconds from decision to grown filesystem, before any has been measured. Default 30: EBS create
   * takes about 1.5 s at the median and 4 s at p99, attach 1–4 s (figures measured by the EBS CSI
   * driver), plus device discovery and the filesystem's own extend; doubled for slow API days. Once
   * scale-ups have been measured, the slowest recent one counts when it is longer.
   */
  leadTimeSeconds?: number;
  /** Scale when time to full is below lead time × this. Default 2. */
  safetyFactor?: number;
  /** Size the volume to hold this many seconds of growth at the estimated rate. Default 300 (see the threshold's note). */
  horizonSeconds?: number;
  /** Window of the fill-rate estimate, seconds. Default 60. */
  rateWindowSeconds?: number;
  limits?: Partial<ScalingLimits>;
}

/**
 * Ours: scales when the worst gauge crosses the threshold (the same schedule as the compatibility
 * policy, so it never scales later than that would) or earlier, when the projected time to full at
 * the robustly estimated fill rate is shorter than the provisioning lead time times a safety factor.
 * The volume is sized to cover the projected growth over a horizon, and never less than the
 * compatibility schedule would add.
 */
export function createPredictivePolicy(options: PredictivePolicyOptions = {}): ScalingPolicy {
  const limits = resolveLimits(options.limits);
  const initial = validateThreshold('initialThresholdPercent', options.initialThresholdPercent ?? 90);
  const leadTimeSeconds = positive('leadTimeSeconds', options.leadTimeSeconds ?? 30);
  const safetyFactor = positive('safetyFactor', options.safetyFactor ?? 2);
  const horizonSeconds = positive('horizonSeconds', options.horizonSeconds ?? 300);
  const rateWindowSeconds = positive('rateWindowSeconds', options.rateWindowSeconds ?? 60);
  return {
    name: 'predictive',
    intervalMs: options.intervalMs ?? 2000,
    historySeconds: rateWindowSeconds,
    limits,
    decide(input: PolicyInput): Decision {
      const current = input.samples.at(-1);
      if (!current) throw new EbsAutoscaleError('policy', 'INVALID_ARGUMENT', 'decide() needs at least one sample.');
      const thresholdPercent = thresholdForAddedVolumes(input.state.addedVolumes, initial);
      const worstPercent = current.worstPercent;
      const rate = estimateFillRate(input.samples, { windowSeconds: rateWindowSeconds });
      const secondsToFull = rate > 0 ? Math.max(0, current.availableBytes) / rate : Number.POSITIVE_INFINITY;
      const measured = Math.max(0, ...(input.state.recentLeadTimesSeconds ?? []));
      const lead = Math.max(leadTimeSeconds, measured);
      const trigger = worstPercent >= thresholdPercent ? 'threshold' : secondsToFull < lead * safetyFactor ? 'predicted' : undefined;
      const shown = Number.isFinite(secondsToFull) ? { secondsToFull } : {};
      if (!trigger) return { action: 'none', thresholdPercent, worstPercent, ...shown };
      const limit = limitBlockingGrowth(limits, input.state);
      if (limit) return { action: 'limit', limit, thresholdPercent, worstPercent, ...shown };
      const growthGiB = (rate * (horizonSeconds + lead * safetyFactor)) / GIB;
      const wanted = Math.max(sizeForAddedVolumes(input.state.addedVolumes, limits), growthGiB);
      const sizeGiB = clampVolumeSize(wanted, limits, input.state);
      return { action: 'scale', sizeGiB, trigger, thresholdPercent, worstPercent, ...shown };
    },
  };
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new EbsAutoscaleError('policy', 'INVALID_ARGUMENT', `${name} must be a positive number, got ${value}.`);
  }
  return value;
}
