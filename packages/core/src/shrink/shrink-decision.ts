import type { UsageSample } from '../policy/policy.js';

/** When the agent may give a device back. Every field is a margin against flapping between grow and shrink. */
export interface ShrinkRule {
  /** Free space (of the worst gauge) must have stayed at or above this, 0–100, through the whole quiet period. */
  readonly highWaterFreePercent: number;
  /** How long usage must have stayed at or below where it was (no rise) and above the high-water mark, ms. */
  readonly quietPeriodMs: number;
  /** Never leave less than this available after the removal, bytes (the policy's minimum free space). */
  readonly minFreeBytes: number;
  /**
   * After the removal, the worst gauge must be at least this many points below the grow threshold, so
   * the shrink itself does not bring the next grow within reach. Default 10.
   */
  readonly hysteresisPercent?: number;
}

/** The device a shrink would remove: the newest one the agent added and owns. */
export interface ShrinkCandidate {
  readonly volumeId: string;
  readonly device: string;
  /** What the filesystem would lose with it, bytes. */
  readonly sizeBytes: number;
}

/** Everything the decision reads; no I/O. */
export interface ShrinkInput {
  readonly now: number;
  /** Recent samples, oldest first, covering at least the quiet period for a shrink to be possible. */
  readonly samples: readonly UsageSample[];
  /** The policy's grow threshold now, 0–100: the worst gauge at or above it grows. */
  readonly growThresholdPercent: number;
  /** Bytes promised to active reservations (issue 16): kept free like the minimum. */
  readonly reservedBytes: number;
  /** The newest added, owned device; undefined when the agent added none (the initial device is never one). */
  readonly candidate: ShrinkCandidate | undefined;
  /** Whether a scale operation (a grow, or a removal) is running: never two at once. */
  readonly busy: boolean;
}

/** What {@link decideShrink} says. */
export type ShrinkDecision =
  | { readonly action: 'shrink'; readonly candidate: ShrinkCandidate; readonly worstPercentAfter: number; readonly availableBytesAfter: number }
  | { readonly action: 'hold'; readonly reason: ShrinkHoldReason };

/** Why no shrink now. */
export type ShrinkHoldReason = 'busy' | 'no-candidate' | 'too-few-samples' | 'usage-rose' | 'below-high-water' | 'min-free' | 'near-grow-threshold';

const DEFAULT_HYSTERESIS_PERCENT = 10;

/**
 * The shipped defaults of a shrink rule (the agent's `shrink` config section; the policy bench runs
 * them). An hour of quiet with half the filesystem free is well past any pause between the jobs of
 * one batch, so a host between two jobs keeps its device; the commercial tools shrink every 12 hours
 * (issue 17), which keeps an idle volume for most of a day.
 */
export const SHRINK_DEFAULTS = Object.freeze({ quietPeriodSeconds: 3600, highWaterFreePercent: 50, minFreeGiB: 1 });

/**
 * Whether to remove the newest added device now, with hysteresis so the agent never flaps: free space
 * stayed above the high-water mark for the whole quiet period with no rise in use; and after the
 * removal at least the minimum free space plus every reservation stays available, and the worst gauge
 * stays `hysteresisPercent` below the grow threshold. While the fill rate stays what it was over the
 * quiet period (not rising), no grow can then follow (the property test holds it to that).
 *
 * The worst gauge after removing `sizeBytes` of `total` is estimated as the worst of the bytes gauge
 * (`used / (total − size)`) and the worst gauge scaled by `total / (total − size)`: a gauge that is not
 * bytes (btrfs metadata, inodes) has at most the same room left per byte of capacity.
 */
export function decideShrink(input: ShrinkInput, rule: ShrinkRule): ShrinkDecision {
  if (input.busy) return hold('busy');
  const { candidate } = input;
  if (candidate === undefined) return hold('no-candidate');
  const windowStart = input.now - rule.quietPeriodMs;
  // The quiet period must be seen whole: from the last sample at or before its start, every one after it.
  const start = input.samples.findLastIndex((sample) => sample.at <= windowStart);
  if (start < 0) return hold('too-few-samples');
  const window = input.samples.slice(start);
  for (let index = 1; index < window.length; index += 1) {
    if (window[index]!.usedBytes > window[index - 1]!.usedBytes) return hold('usage-rose');
  }
  if (window.some((sample) => 100 - sample.worstPercent < rule.highWaterFreePercent)) return hold('below-high-water');
  const latest = window.at(-1)!;
  const totalAfter = latest.totalBytes - candidate.sizeBytes;
  const availableBytesAfter = latest.availableBytes - candidate.sizeBytes;
  if (totalAfter <= 0 || availableBytesAfter < rule.minFreeBytes + input.reservedBytes) return hold('min-free');
  const worstPercentAfter = Math.max((latest.usedBytes / totalAfter) * 100, (latest.worstPercent * latest.totalBytes) / totalAfter);
  if (worstPercentAfter > input.growThresholdPercent - (rule.hysteresisPercent ?? DEFAULT_HYSTERESIS_PERCENT)) return hold('near-grow-threshold');
  return { action: 'shrink', candidate, worstPercentAfter, availableBytesAfter };
}

function hold(reason: ShrinkHoldReason): ShrinkDecision {
  return { action: 'hold', reason };
}

/** A removal in flight, as {@link fillDuringRemoval} judges it. */
export interface RemovalInFlight {
  /** The filesystem's total before the removal, bytes. */
  readonly totalBytesBefore: number;
  /** What the removal takes away, bytes. */
  readonly sizeBytes: number;
  /** The policy's grow threshold, 0–100. */
  readonly growThresholdPercent: number;
}

/**
 * Whether a fill that started during a removal makes it worth cancelling: the worst gauge, projected
 * onto the filesystem without the device, has eaten half of the hysteresis margin the shrink kept.
 * Cancelled then, the device stays (btrfs cancels cleanly) and the grow the fill needs is not a new
 * volume. Projected from the total before the removal, since a driver may report either total during it.
 */
export function fillDuringRemoval(removal: RemovalInFlight, sample: Pick<UsageSample, 'usedBytes' | 'worstPercent'>, rule: ShrinkRule): boolean {
  const totalAfter = removal.totalBytesBefore - removal.sizeBytes;
  if (totalAfter <= 0) return true;
  const worstAfter = Math.max((sample.usedBytes / totalAfter) * 100, (sample.worstPercent * removal.totalBytesBefore) / totalAfter);
  return worstAfter > removal.growThresholdPercent - (rule.hysteresisPercent ?? DEFAULT_HYSTERESIS_PERCENT) / 2;
}
