import { EbsAutoscaleError } from '../errors.js';
import { clampVolumeSize, limitBlockingGrowth, resolveLimits } from './limits.js';
import type { Decision, PolicyInput, ScalingLimits, ScalingPolicy } from './policy.js';
import { withReservedDemand } from './reserved-demand.js';
import { thresholdExcessGiB, thresholdShortfallGiB } from './volume-sizing.js';

/** Options of {@link createCompatibilityPolicy}. */
export interface CompatibilityPolicyOptions {
  /** Utilisation threshold for the first volumes, percent. amazon-ebs-autoscale's `THRESHOLD`, default 50. */
  initialThresholdPercent?: number;
  /** Polling interval, ms. amazon-ebs-autoscale's `detection_interval`, default 2000. */
  intervalMs?: number;
  limits?: Partial<ScalingLimits>;
}

/**
 * The threshold schedule of amazon-ebs-autoscale's `calc_threshold`, counted by the volumes the agent
 * added: the initial threshold for 0–3, 80% for 4–6, 90% from 7. Never below the initial threshold, so
 * the threshold never decreases as volumes are added even when the initial one is set above 80.
 */
export function thresholdForAddedVolumes(addedVolumes: number, initialThresholdPercent: number): number {
  if (addedVolumes <= 3) return initialThresholdPercent;
  if (addedVolumes <= 6) return Math.max(initialThresholdPercent, 80);
  return Math.max(initialThresholdPercent, 90);
}

/**
 * The size schedule of amazon-ebs-autoscale's `calc_new_size`: the minimum size for 0–3 added volumes,
 * 300 GiB for 4–6, 1000 GiB for 7–10, the maximum beyond; clamped to [min, max].
 */
export function sizeForAddedVolumes(addedVolumes: number, limits: ScalingLimits): number {
  const wanted = addedVolumes <= 3 ? limits.minVolumeGiB : addedVolumes <= 6 ? 300 : addedVolumes <= 10 ? 1000 : limits.maxVolumeGiB;
  return Math.min(limits.maxVolumeGiB, Math.max(limits.minVolumeGiB, wanted));
}

/** Checks a threshold percentage, naming the option. */
export function validateThreshold(name: string, value: number): number {
  if (!(value > 0 && value <= 100)) {
    throw new EbsAutoscaleError('policy', 'INVALID_ARGUMENT', `${name} must be in (0, 100], got ${value}.`);
  }
  return value;
}

/**
 * amazon-ebs-autoscale's behaviour, step for step: poll every 2 s, and when the fill crosses the
 * threshold add one volume of the scheduled size, within the limits. Choose it to switch from the bash
 * agent without a change in behaviour.
 */
export function createCompatibilityPolicy(options: CompatibilityPolicyOptions = {}): ScalingPolicy {
  const limits = resolveLimits(options.limits);
  const initial = validateThreshold('initialThresholdPercent', options.initialThresholdPercent ?? 50);
  return {
    name: 'compatibility',
    intervalMs: options.intervalMs ?? 2000,
    historySeconds: 0,
    limits,
    decide(input: PolicyInput): Decision {
      const raw = input.samples.at(-1);
      if (!raw) throw new EbsAutoscaleError('policy', 'INVALID_ARGUMENT', 'decide() needs at least one sample.');
      const reservedBytes = Math.max(0, input.reservedBytes ?? 0);
      const current = withReservedDemand(raw, reservedBytes);
      const thresholdPercent = thresholdForAddedVolumes(input.state.addedVolumes, initial);
      const worstPercent = current.worstPercent;
      if (worstPercent < thresholdPercent) return { action: 'none', thresholdPercent, worstPercent };
      const limit = limitBlockingGrowth(limits, input.state);
      if (limit) return { action: 'limit', limit, thresholdPercent, worstPercent };
      // Without reservations, exactly the bash agent's schedule; with them, at least what brings the
      // filesystem below the threshold with the reservations counted, so one volume meets them where it can.
      const reservedGiB = reservedBytes > 0 ? thresholdShortfallGiB(current.totalBytes - current.availableBytes, current.totalBytes, thresholdPercent) : 0;
      const sizeGiB = clampVolumeSize(Math.max(sizeForAddedVolumes(input.state.addedVolumes, limits), reservedGiB), limits, input.state);
      // Freeing instead: what brings the worst gauge below the threshold (bytes stand for it).
      const demandBytes = Math.max((worstPercent / 100) * current.totalBytes, current.totalBytes - current.availableBytes);
      const neededGiB = Math.max(1, Math.ceil(thresholdExcessGiB(demandBytes, current.totalBytes, thresholdPercent)));
      return { action: 'scale', sizeGiB, trigger: 'threshold', thresholdPercent, worstPercent, neededGiB: Number.isFinite(neededGiB) ? neededGiB : sizeGiB };
    },
  };
}
