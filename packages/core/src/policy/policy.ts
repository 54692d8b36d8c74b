/** One usage sample as the policy sees it. */
export interface UsageSample {
  /** When it was taken, ms since the epoch. */
  readonly at: number;
  readonly totalBytes: number;
  readonly usedBytes: number;
  readonly availableBytes: number;
  /** The worst pressure gauge's fill, 0–100. */
  readonly worstPercent: number;
  /** The worst gauge's kind (a `PressureGauge` kind: `inodes`, `btrfs-metadata`, …); `bytes` when not given. */
  readonly worstKind?: string;
}

/** What the agent has done so far: the policy's thresholds and sizes step up with it. */
export interface ScalingState {
  /** Volumes this agent added (not the initial device). */
  readonly addedVolumes: number;
  /** Total GiB of the volumes this agent created, including in-place growth. */
  readonly addedGiB: number;
  /** Volumes the filesystem lives on now, the initial one included. */
  readonly attachedVolumes: number;
  /** How long recent scale-ups took from decision to grown filesystem, seconds (newest last). */
  readonly recentLeadTimesSeconds?: readonly number[];
}

/** Everything a policy decides on. Policies are pure: the same input gives the same decision. */
export interface PolicyInput {
  /** Now, ms since the epoch. */
  readonly now: number;
  /** Recent samples, oldest first; the last is the current one. Never empty. */
  readonly samples: readonly UsageSample[];
  readonly state: ScalingState;
  /**
   * Bytes promised to reservations (`StorageAutoscaler.reserve()`), waiting or granted: demand not yet
   * written. A policy counts them as used (see `withReservedDemand()`) and sizes a volume to cover
   * them, so that one reservation is met with as few volumes as the limits allow. Default 0.
   */
  readonly reservedBytes?: number;
}

/** Which limit stopped a scale. */
export type LimitKind = 'max-attached-volumes' | 'max-total-size' | 'max-created-volumes' | 'cannot-grow';

/** What a policy decided. */
export type Decision =
  | { readonly action: 'none'; readonly thresholdPercent: number; readonly worstPercent: number; readonly secondsToFull?: number }
  | {
      readonly action: 'scale';
      /** Size of the volume to add, GiB. */
      readonly sizeGiB: number;
      /** Why: the worst gauge crossed the threshold, or the projected time to full is shorter than the lead time. */
      readonly trigger: 'threshold' | 'predicted';
      readonly thresholdPercent: number;
      readonly worstPercent: number;
      readonly secondsToFull?: number;
      /**
       * How long this scale-up may wait and still arrive before the filesystem is full, by the
       * policy's lead time: seconds to full less the lead time × safety factor, 0 when it may not
       * wait. The autoscaler lets its space reclaimers run first only within it. Absent when the
       * policy projects no time to full (no fill, or a policy without a projection).
       */
      readonly slackSeconds?: number;
      /**
       * The space the policy lacks, GiB, before the volume-size limits round it up to `sizeGiB` (a
       * 150 GiB minimum where 12 GiB would do): what space reclaimers are asked to free instead of
       * the volume. Absent: `sizeGiB`.
       */
      readonly neededGiB?: number;
    }
  | {
      readonly action: 'limit';
      readonly limit: LimitKind;
      readonly thresholdPercent: number;
      readonly worstPercent: number;
      readonly secondsToFull?: number;
    };

/** A scaling policy: a name, the polling interval it was designed for, and a pure decision function. */
export interface ScalingPolicy {
  readonly name: string;
  /** How often the autoscaler should sample, ms. */
  readonly intervalMs: number;
  /** How many seconds of samples it wants to see. */
  readonly historySeconds: number;
  /** The limits it enforces, for status reports. */
  readonly limits: ScalingLimits;
  decide(input: PolicyInput): Decision;
}

/** Hard limits on what the agent may create. Defaults are amazon-ebs-autoscale's. */
export interface ScalingLimits {
  /** Smallest volume to create, GiB. Default 150. */
  readonly minVolumeGiB: number;
  /** Largest volume to create, GiB. Default 1500. */
  readonly maxVolumeGiB: number;
  /** Most GiB this agent may create in total. Default 8000. */
  readonly maxTotalCreatedGiB: number;
  /** Most volumes the filesystem may span, the initial one included (an instance's root volume is not one). Default 16. */
  readonly maxAttachedVolumes: number;
  /** Most volumes this agent may create. Default: no limit beyond the others. */
  readonly maxCreatedVolumes: number;
}

/** amazon-ebs-autoscale's defaults (its `bin/ebs-autoscale` and `config/ebs-autoscale.json`). */
export const DEFAULT_LIMITS: ScalingLimits = Object.freeze({
  minVolumeGiB: 150,
  maxVolumeGiB: 1500,
  maxTotalCreatedGiB: 8000,
  maxAttachedVolumes: 16,
  maxCreatedVolumes: Number.POSITIVE_INFINITY,
});
