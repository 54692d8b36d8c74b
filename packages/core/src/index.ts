export { StorageAutoscaler } from './autoscaler.js';
export type { StorageAutoscalerOptions } from './autoscaler-options.js';
export type { AutoscalerStatus, EvaluationResult, SkipReason } from './autoscaler-status.js';
export type { InPlaceGrowths, RemovalCounts } from './capacity-changes.js';
export { IsolatedEventEmitter, type AutoscalerEvents, type AutoscalerEventName, type AutoscalerEventPayload, type ScaleStage } from './events.js';
export type { FilesystemDriver } from './filesystem-driver.js';
export type { CapacityWaitOptions } from './growth/capacity-wait.js';
export {
  decideShrink,
  SHRINK_DEFAULTS,
  fillDuringRemoval,
  type RemovalInFlight,
  type ShrinkCandidate,
  type ShrinkDecision,
  type ShrinkHoldReason,
  type ShrinkInput,
  type ShrinkRule,
} from './shrink/shrink-decision.js';
export type { RecoveryOptions, RecoveryReport } from './recovery/recover.js';
export { proveUnused, releaseIfUnused, type KeptVolume, type KeptReason, type GuardedVolume } from './release-guard.js';
export { adoptStrays, settledVolumes, type AdoptStraysOptions, type StrayContext, type StrayReport } from './strays.js';
export type { SpaceReclaimer, ReclaimResult } from './reclaim/space-reclaimer.js';
export type { ReclaimMode, ReclaimOptions } from './reclaim/reclaim-plan.js';
export type { Reservation, ReservationInfo, ReservationRequest, RefusalReason } from './reservations/reservation.js';
export { DEFAULT_RESERVATION_TTL_MS } from './reservations/validate-request.js';
export type { VolumeProvisioner, ProvisionRequest, ProvisionedVolume, OwnedVolume, ReconcileReport } from './volume-provisioner.js';
export { worstGauge, bytesGauge, clampPercent, type PressureGauge, type UsageSnapshot } from './usage.js';
export { EbsAutoscaleError, DriverError, ProvisionerError, hasErrorCode, type ErrorCode, type EbsAutoscaleErrorOptions } from './errors.js';
export { createExecaRunner, CommandError, type CommandRunner, type CommandResult, type RunOptions } from './command-runner.js';
export { systemClock, sleep, type Clock, type TimerHandle, type TimerOptions } from './clock.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { GIB, MIB, gibToBytes, bytesToGiB, formatBytes } from './units.js';
export {
  DEFAULT_LIMITS,
  type ScalingPolicy,
  type ScalingLimits,
  type ScalingState,
  type PolicyInput,
  type UsageSample,
  type Decision,
  type LimitKind,
} from './policy/policy.js';
export { resolveLimits, limitBlockingGrowth, clampVolumeSize, addableGiB } from './policy/limits.js';
export { withReservedDemand } from './policy/reserved-demand.js';
export { createCompatibilityPolicy, thresholdForAddedVolumes, sizeForAddedVolumes, type CompatibilityPolicyOptions } from './policy/compatibility-policy.js';
export { createPredictivePolicy, type PredictivePolicyOptions } from './policy/predictive-policy.js';
export { estimateFillRate, estimateGaugeRise, type FillRateOptions } from './policy/fill-rate.js';
