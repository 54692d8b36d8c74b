import { thresholdForAddedVolumes, validateThreshold } from './compatibility-policy.js';
import { estimateFillRate, estimateGaugeRise } from './fill-rate.js';
import { clampVolumeSize, limitBlockingGrowth, resolveLimits } from './limits.js';
import type { Decision, PolicyInput, ScalingLimits, ScalingPolicy } from './policy.js';
import { withReservedDemand } from './reserved-demand.js';
import { gaugeShortfallGiB, shortfallGiB, thresholdExcessGiB, thresholdShortfallGiB, wantedVolumeGiB, type VolumeNeed } from './volume-sizing.js';
import { EbsAutoscaleError } from '../errors.js';
import { MIB } from '../units.js';

/** gp3's highest provisionable throughput: the fastest one volume can be written. */
const GP3_MAX_BYTES_PER_SECOND = 1000 * MIB;

/** Options of {@link createPredictivePolicy}. */
export interface PredictivePolicyOptions {
  /**
   * Threshold for the first volumes, percent, stepping up as the compatibility schedule does. Default 98:
   * the prediction (of the free bytes and of the worst gauge, inodes and metadata included) scales early
   * for a fast fill and {@link PredictivePolicyOptions.minFreeSeconds} keeps
   * free what a burst could write before a volume arrives, so a percentage only adds a last net on large
   * filesystems (2% of 1 TiB is 20 GiB). A percentage is the wrong measure of a burst: on a small disk
   * 5% is a few seconds of writing, on a large one it is idle capacity paid for. `pnpm bench:policy`
   * (bench/out/policy.md) measured 50 at 1.0–1.4× the baseline's over-provisioned GiB-hours on slow
   * fills and genomics; 90 held genomics at 0.81×, because its 380 GiB peak crosses 90% of the 400 GiB
   * that 100 + 2 × 150 GiB gives and so buys a third volume that is never written; 95–98 hold it at 0.59×,
   * and 98 leaves a margin that 95 (the peak is 95.0%) does not. No out-of-space event for any of them.
   */
  initialThresholdPercent?: number;
  /** Sampling interval, ms. Default 2000. */
  intervalMs?: number;
  /**
   * Seconds from decision to grown filesystem, before any has been measured. Default 15: EBS create
   * takes about 1.5 s at the median and 4 s at p99, attach 1–4 s (figures measured by the EBS CSI
   * driver), plus device discovery and the filesystem's own extend, about 11 s with every step at its
   * slowest; the safety factor doubles it, so it is not doubled here as well. Once scale-ups have been
   * measured, the slowest recent one counts when it is longer (6–12 s in `pnpm bench:policy`). The
   * reserve is lead × safety seconds of the fill rate: 30 s instead of the former 60 s let genomics keep
   * its 400 GiB (0.81× → 0.59× the baseline's over-provisioned GiB-hours); every other workload and
   * the nearly-full-disk stress were unchanged or better.
   */
  leadTimeSeconds?: number;
  /** Scale when time to full is below lead time × this. Default 2. */
  safetyFactor?: number;
  /**
   * Size a new volume so that the free space after it lasts this many seconds at the estimated rate,
   * beyond the lead-time reserve. Default 120: every constant fill up to gp3's 1000 MiB/s then takes
   * minimum-size volumes, and `pnpm bench:policy` measured it steadier than 300, whose end-of-fill
   * leftovers swung between 0.4× and 0.9× of the baseline's over-provisioning with the amount written.
   */
  horizonSeconds?: number;
  /** Window of the fill-rate estimate, seconds. Default 60. */
  rateWindowSeconds?: number;
  /**
   * Scale whenever less is free than one gp3 volume at its maximum throughput (1000 MiB/s) writes in
   * this many seconds, whatever the estimated rate: a writer that starts at full speed on a nearly full
   * disk is seen by the rate estimate only after a sample or two, and then a volume still takes the
   * lead time to arrive. Capped at half of what the filesystem holds, so a small disk is not grown
   * sooner than amazon-ebs-autoscale's default 50% threshold would grow it; a volume the net asks for
   * is sized to meet it at once. 0 turns it off. Default 15, the lead time. `pnpm bench:policy`'s
   * nearly-full-disk stress (720 runs: disks of 20–500 GiB found 80–94% full, then a writer at
   * 200–1000 MiB/s for 300 GiB; bench/out/policy.md) ran out of space in none with the compatibility
   * policy or these defaults, in 196 with 0, and in 110 with the former defaults (90% threshold, 30 s
   * lead, no net). During the change, 5 s measured 54 runs out of space and 10 s none. On the named
   * workloads 15 holds 0.38× the baseline's over-provisioned GiB-hours in total (0.32× with 0) and the
   * same 0.59× in the worst run.
   */
  minFreeSeconds?: number;
  limits?: Partial<ScalingLimits>;
}

/**
 * Ours: scales when the worst gauge crosses the threshold (the same schedule as the compatibility
 * policy, so it never scales later than that would) or earlier, when the projected time to full is
 * shorter than the provisioning lead time times a safety factor. The projection takes the faster of
 * a robust fill-rate estimate (median of buckets) and the mean of the last few samples. It also
 * scales when the free space falls below what a writer at gp3's maximum fills in
 * {@link PredictivePolicyOptions.minFreeSeconds}, for the burst no estimate has seen yet.
 *
 * The volume is sized to the predicted growth, not to amazon-ebs-autoscale's step schedule: enough
 * that the free space lasts the horizon plus the lead-time reserve at the robust rate, within
 * `limits.minVolumeGiB`–`maxVolumeGiB`. Smaller volumes mean more of them, so the size never falls
 * below what still lets the volumes left under the count limits reach `limits.maxTotalCreatedGiB`.
 *
 * @example
 * ```ts
 * const policy = createPredictivePolicy({ limits: { maxAttachedVolumes: 8 } });
 * const autoscaler = new StorageAutoscaler({ driver, provisioner, policy });
 * ```
 */
export function createPredictivePolicy(options: PredictivePolicyOptions = {}): ScalingPolicy {
  const limits = resolveLimits(options.limits);
  const initial = validateThreshold('initialThresholdPercent', options.initialThresholdPercent ?? 98);
  const leadTimeSeconds = positive('leadTimeSeconds', options.leadTimeSeconds ?? 15);
  const safetyFactor = positive('safetyFactor', options.safetyFactor ?? 2);
  const horizonSeconds = positive('horizonSeconds', options.horizonSeconds ?? 120);
  const rateWindowSeconds = positive('rateWindowSeconds', options.rateWindowSeconds ?? 60);
  const intervalMs = positive('intervalMs', options.intervalMs ?? 2000);
  const minFreeBytes = nonNegative('minFreeSeconds', options.minFreeSeconds ?? 15) * GP3_MAX_BYTES_PER_SECOND;
  const surgeWindowSeconds = Math.max(10, (3 * intervalMs) / 1000);
  return {
    name: 'predictive',
    intervalMs,
    historySeconds: Math.max(rateWindowSeconds, surgeWindowSeconds),
    limits,
    decide(input: PolicyInput): Decision {
      const raw = input.samples.at(-1);
      if (!raw) throw new EbsAutoscaleError('policy', 'INVALID_ARGUMENT', 'decide() needs at least one sample.');
      // Reserved bytes are demand: the triggers read the sample with them counted as used; the rates
      // keep reading the raw samples (a reservation is not a write).
      const reservedBytes = Math.max(0, input.reservedBytes ?? 0);
      const current = withReservedDemand(raw, reservedBytes);
      const thresholdPercent = thresholdForAddedVolumes(input.state.addedVolumes, initial);
      const worstPercent = current.worstPercent;
      const rate = estimateFillRate(input.samples, { windowSeconds: rateWindowSeconds });
      // The median needs most of its window to see a fill that has just started; the mean of the last
      // few samples sees it at once. The trigger takes the faster, so a job that starts writing at full
      // speed onto a nearly full disk is not noticed too late; sizing keeps the median, so a short
      // burst does not buy a large volume.
      // At least the last two intervals: the first decision after a scale-up (no samples are taken while
      // one runs) would otherwise find a single sample in the window and see no rate at all.
      const third = input.samples.at(-3);
      const fastWindowSeconds = Math.max(surgeWindowSeconds, third ? (current.at - third.at) / 1000 : 0);
      const surge = estimateFillRate(input.samples, { windowSeconds: fastWindowSeconds, buckets: 1 });
      const urgentRate = Math.max(rate, surge);
      const bytesSecondsToFull = urgentRate > 0 ? Math.max(0, current.availableBytes) / urgentRate : Number.POSITIVE_INFINITY;
      // The worst gauge projected the same way (inodes, btrfs metadata), so the high threshold below is
      // a net for them too and not the only trigger of a metadata-heavy job.
      const gaugeRise = estimateGaugeRise(input.samples, fastWindowSeconds);
      const gaugeSecondsToFull = gaugeRise > 0 ? Math.max(0, 100 - worstPercent) / gaugeRise : Number.POSITIVE_INFINITY;
      const secondsToFull = Math.min(bytesSecondsToFull, gaugeSecondsToFull);
      const measured = Math.max(0, ...(input.state.recentLeadTimesSeconds ?? []));
      const lead = Math.max(leadTimeSeconds, measured);
      // Half of what the filesystem can hold (used + free; an ext4's reserved blocks are neither), so the
      // net never fires before the usage gauge reads 50 %.
      const netBytes = Math.min(minFreeBytes, (raw.usedBytes + Math.max(0, raw.availableBytes)) / 2);
      const lowOnFree = netBytes > 0 && current.availableBytes < netBytes;
      const trigger = worstPercent >= thresholdPercent ? 'threshold' : secondsToFull < lead * safetyFactor || lowOnFree ? 'predicted' : undefined;
      const shown = Number.isFinite(secondsToFull) ? { secondsToFull } : {};
      if (!trigger) return { action: 'none', thresholdPercent, worstPercent, ...shown };
      // Reclaimers (Docker's unused images) may run first while the volume could still arrive in time.
      const slack = Number.isFinite(secondsToFull) ? { slackSeconds: Math.max(0, secondsToFull - lead * safetyFactor) } : {};
      const limit = limitBlockingGrowth(limits, input.state);
      if (limit) return { action: 'limit', limit, thresholdPercent, worstPercent, ...shown };
      const coverSeconds = horizonSeconds + lead * safetyFactor;
      // When the worst gauge is not bytes, the volume must also relieve it, at its rise over the rate
      // window (the mean, as sizing by bytes takes the median: a burst of files does not buy a large volume).
      const gaugeGiB =
        (current.worstKind ?? 'bytes') === 'bytes'
          ? 0
          : gaugeShortfallGiB(worstPercent, estimateGaugeRise(input.samples, rateWindowSeconds), coverSeconds, current.totalBytes);
      // A reservation is met in one volume where the limits allow: below the threshold after the add too.
      const reservedGiB = reservedBytes > 0 ? thresholdShortfallGiB(current.totalBytes - current.availableBytes, current.totalBytes, thresholdPercent) : 0;
      const atLeastGiB = Math.max(gaugeGiB, reservedGiB);
      const need: VolumeNeed = { bytesPerSecond: rate, coverSeconds, availableBytes: raw.availableBytes, minFreeBytes: netBytes, atLeastGiB, reservedBytes };
      const sizeGiB = clampVolumeSize(wantedVolumeGiB(need, limits, input.state), limits, input.state);
      // What freeing instead of adding would take: the same shortfall, and below the threshold.
      const demandBytes = current.totalBytes - current.availableBytes;
      const neededGiB = Math.max(1, Math.ceil(Math.max(shortfallGiB(need), gaugeGiB, thresholdExcessGiB(demandBytes, current.totalBytes, thresholdPercent))));
      return {
        action: 'scale',
        sizeGiB,
        trigger,
        thresholdPercent,
        worstPercent,
        ...shown,
        ...slack,
        neededGiB: Number.isFinite(neededGiB) ? neededGiB : sizeGiB,
      };
    },
  };
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new EbsAutoscaleError('policy', 'INVALID_ARGUMENT', `${name} must be a number of seconds, 0 or more, got ${value}.`);
  }
  return value;
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new EbsAutoscaleError('policy', 'INVALID_ARGUMENT', `${name} must be a positive number, got ${value}.`);
  }
  return value;
}
