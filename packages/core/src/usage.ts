/**
 * One pressure gauge: how full one resource of the filesystem is. A filesystem can run out of more
 * than bytes (inodes on ext4, metadata chunks on btrfs, data or metadata of a thin pool), and each of
 * those ends in "no space left on device", so the policy acts on the worst gauge, not on bytes alone.
 */
export interface PressureGauge {
  /** What is measured: `bytes`, `inodes`, `btrfs-metadata`, `thin-pool-data`, `thin-pool-metadata`, or a driver's own name. */
  readonly kind: string;
  /** How full it is, 0–100. */
  readonly usedPercent: number;
  /** Optional detail for people, e.g. `12.3 GiB of 20 GiB`. */
  readonly detail?: string;
}

/** A snapshot of a filesystem's size and pressure, as a driver reports it. */
export interface UsageSnapshot {
  /** Usable capacity in bytes. */
  readonly totalBytes: number;
  /** Bytes in use. */
  readonly usedBytes: number;
  /** Bytes that can still be written: the real headroom, which may be less than total − used. */
  readonly availableBytes: number;
  /** Every gauge the filesystem has, `bytes` included. */
  readonly gauges: readonly PressureGauge[];
  /**
   * The filesystem is mounted read-only (a `mount -o remount,ro`, or the kernel's own remount after an
   * error), set by drivers that read the mount's flags. The autoscaler adds nothing to it until it is
   * writable again. Absent means writable.
   */
  readonly readOnly?: boolean;
}

/** The gauge closest to full. Falls back to a bytes gauge computed from the snapshot when none are given. */
export function worstGauge(usage: UsageSnapshot): PressureGauge {
  let worst: PressureGauge | undefined;
  for (const gauge of usage.gauges) {
    if (!worst || gauge.usedPercent > worst.usedPercent) worst = gauge;
  }
  return worst ?? bytesGauge(usage.usedBytes, usage.totalBytes);
}

/** The `bytes` gauge for a used/total pair, reporting 100% for an empty (zero-size) filesystem. */
export function bytesGauge(usedBytes: number, totalBytes: number): PressureGauge {
  return { kind: 'bytes', usedPercent: totalBytes > 0 ? clampPercent((usedBytes / totalBytes) * 100) : 100 };
}

/** Clamps to 0–100 and turns NaN into 0. */
export function clampPercent(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(100, Math.max(0, value));
}
