/** A polling or retry schedule: delays grow from `initialDelayMs` by `factor` up to `maxDelayMs`. */
export interface Schedule {
  /** The first delay, ms. */
  initialDelayMs: number;
  /** Each further delay multiplies by this. */
  factor: number;
  /** No delay exceeds this, ms. */
  maxDelayMs: number;
  /** Fraction of each delay drawn at random, ±, so a fleet does not poll in step. */
  jitter: number;
}

/** A retry schedule with a budget: how many times one API call is retried. */
export interface RetrySchedule extends Schedule {
  /** Retries of one call after its first attempt. */
  retries: number;
}

/** A wait: polls on `schedule` until the thing happens or `timeoutMs` passes. */
export interface WaitSchedule extends Schedule {
  timeoutMs: number;
}

/** Every timing knob of the provisioner. Each field is optional in the options and merged over {@link DEFAULT_SCHEDULES}. */
export interface EbsSchedules {
  /** Retries of a throttled or failed EC2 call. */
  apiRetry: RetrySchedule;
  /** Waiting for a created volume to become `available`. */
  volumeAvailable: WaitSchedule;
  /** Waiting for an attachment to become `attached`, or a detached volume to become `available`. */
  attachment: WaitSchedule;
  /** Waiting for the block device to appear on this host after EC2 reports `attached`. */
  device: WaitSchedule;
  /** Waiting for a ModifyVolume to reach `optimizing` or `completed`. */
  modification: WaitSchedule;
}

/**
 * The defaults, and where they come from.
 *
 * - `apiRetry`: EC2 refills the token bucket of CreateVolume and of a mutating action at 5 per second
 *   (AWS, "Request throttling for the Amazon EC2 API"), so a first wait of 500 ms buys about two tokens.
 *   The budget has to outlast the time EC2 needs to serve a whole wave, not one burst: 5,000 agents
 *   crossing together need 5,000 CreateVolume tokens, about 1,000 s at 5 per second. Doubling up to a
 *   60 s cap over 30 retries waits about 24 min in all (at least ~12 min at the low end of the jitter).
 *   `pnpm bench:fleet` measured the previous 8 retries capped at 20 s (~72 s): almost every agent of a
 *   5,000 wave failed a scale-up at least once, and each failure re-ran the limit checks and the
 *   clean-up, spreading the throttling to DescribeVolumes and leaving created volumes to delete or leak
 *   (bench/out/fleet.md). A 60 s cap also keeps a waiting fleet's throttled calls few. ±50 % jitter,
 *   since a fleet that grows at the same moment (same job start) is exactly what token buckets punish.
 *   A failure that is not retried (unauthorized, invalid, limits) still fails at once. The budget outlasts
 *   systemd's stop timeout, so the agent's stop abandons a scale-up still waiting after its grace period
 *   (`ebs-autoscale run --stop-grace`), which aborts the wait (the autoscaler's `stop({ abandon: true })`).
 * - `volumeAvailable`: aws-ebs-csi-driver measured CreateVolume → `available` at a median of ~1.5 s and
 *   a p99 of ~4 s (us-west-2, ap-south-1); like its tuning we look first at 1.25 s, then every
 *   0.5 s × 1.5 up to 3 s, and give up after 60 s.
 * - `attachment`: the same source finds most attach/detach operations finish in 1–4 s: 1 s × 1.8, capped
 *   at 10 s, for up to 2 min (a stuck `attaching` beyond that needs a human: see the README).
 * - `device`: after EC2 says `attached`, the NVMe controller's hot-plug and udev's by-id link take well
 *   under a second on Nitro; 100 ms × 1.5 up to 1 s, for 30 s, before we call the device lost.
 * - `modification`: ModifyVolume reaches `optimizing` (the new size usable) within seconds to a minute;
 *   1 s × 1.7 up to 15 s, for 5 min.
 */
export const DEFAULT_SCHEDULES: EbsSchedules = {
  apiRetry: { retries: 30, initialDelayMs: 500, factor: 2, maxDelayMs: 60_000, jitter: 0.5 },
  volumeAvailable: { initialDelayMs: 1250, factor: 1.5, maxDelayMs: 3000, jitter: 0.1, timeoutMs: 60_000 },
  attachment: { initialDelayMs: 1000, factor: 1.8, maxDelayMs: 10_000, jitter: 0.1, timeoutMs: 120_000 },
  device: { initialDelayMs: 100, factor: 1.5, maxDelayMs: 1000, jitter: 0, timeoutMs: 30_000 },
  modification: { initialDelayMs: 1000, factor: 1.7, maxDelayMs: 15_000, jitter: 0.1, timeoutMs: 300_000 },
};

/** Merges partial schedules over the defaults. */
export function resolveSchedules(partial: { [K in keyof EbsSchedules]?: Partial<EbsSchedules[K]> } = {}): EbsSchedules {
  return {
    apiRetry: { ...DEFAULT_SCHEDULES.apiRetry, ...partial.apiRetry },
    volumeAvailable: { ...DEFAULT_SCHEDULES.volumeAvailable, ...partial.volumeAvailable },
    attachment: { ...DEFAULT_SCHEDULES.attachment, ...partial.attachment },
    device: { ...DEFAULT_SCHEDULES.device, ...partial.device },
    modification: { ...DEFAULT_SCHEDULES.modification, ...partial.modification },
  };
}

/** The delay before poll or retry number `n` (1-based), ms. */
export function scheduleDelay(schedule: Schedule, n: number, random: () => number): number {
  const base = Math.min(schedule.maxDelayMs, schedule.initialDelayMs * schedule.factor ** Math.max(0, n - 1));
  return Math.max(0, Math.round(base + base * schedule.jitter * (random() * 2 - 1)));
}
