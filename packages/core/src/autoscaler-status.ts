import type { InPlaceGrowths, RemovalCounts } from './capacity-changes.js';
import type { Decision, LimitKind, ScalingLimits } from './policy/policy.js';
import type { KeptVolume } from './release-guard.js';
import type { ReservationInfo } from './reservations/reservation.js';
import type { PressureGauge, UsageSnapshot } from './usage.js';
import type { OwnedVolume } from './volume-provisioner.js';

/** Why `evaluate()` did not decide. */
export type SkipReason = 'busy' | 'stopped' | 'backoff' | 'sample-failed' | 'init-failed' | 'read-only';

/** What one `evaluate()` did. */
export interface EvaluationResult {
  /** The policy's decision, when a sample was taken. */
  readonly decision?: Decision;
  /** Set when no decision was made or acted on. */
  readonly skipped?: SkipReason;
  /** Set when a scale operation ran. */
  readonly scaled?: 'complete' | 'failed';
  /** Bytes the reclaimers freed before the decision was acted on, when a round ran first. */
  readonly reclaimedBytes?: number;
}

/** A snapshot of everything the autoscaler knows, without any I/O. */
export interface AutoscalerStatus {
  readonly state: 'stopped' | 'running' | 'stopping';
  readonly scaling: boolean;
  readonly mountPoint: string;
  readonly driver: string;
  readonly provisioner: string;
  readonly policy: string;
  readonly intervalMs: number;
  readonly limits: ScalingLimits;
  readonly usage: UsageSnapshot | undefined;
  readonly worst: PressureGauge | undefined;
  readonly devices: readonly string[];
  readonly volumes: readonly OwnedVolume[];
  /** How many volumes this agent owns on the mount point (the initial one too, when the agent created it). */
  readonly addedVolumes: number;
  /** Total GiB of the volumes this agent owns, in-place growth included. */
  readonly addedGiB: number;
  readonly lastDecision: Decision | undefined;
  readonly lastDecisionAt: number | undefined;
  readonly consecutiveFailures: number;
  readonly retryAt: number | undefined;
  readonly limitReached: LimitKind | undefined;
  /** The last sample found the mount read-only: nothing is added until it is writable again. */
  readonly readOnly: boolean;
  /** Volumes that were up for release but could not be proven unused, so were kept: see `proveUnused()`. */
  readonly keptVolumes: readonly KeptVolume[];
  // The four below are always set by `status()`; optional because a status file written by an agent
  // from before reservations and reclaimers (issue 16) has none of them, and its readers say so.
  /** The active reservations, waiting and granted, oldest first (`reserve()`). */
  readonly reservations?: readonly ReservationInfo[];
  /** Their bytes, waiting and granted: demand the policy counts as used. */
  readonly reservedBytes?: number;
  /** The names of the space reclaimers, in the order they run. */
  readonly reclaimers?: readonly string[];
  /** Bytes the reclaimers freed since the autoscaler was made. */
  readonly reclaimedBytes?: number;
  // Optional for the same reason: an agent from before issue 17 wrote none.
  /** How a scale-up grows: `add-device`, `grow-in-place` or `hybrid`; absent when it cannot grow. */
  readonly growth?: string;
  /** The in-place growths (ModifyVolume) this autoscaler made, per volume, for the modification budget. */
  readonly inPlaceGrowths?: readonly InPlaceGrowths[];
  /** Device removals (shrinks) since the autoscaler was made, by outcome. */
  readonly removals?: RemovalCounts;
}
