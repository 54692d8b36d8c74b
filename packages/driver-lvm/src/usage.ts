import { bytesGauge, clampPercent, formatBytes, type PressureGauge, type UsageSnapshot } from '@ebs-autoscale/core';
import type { LvReport } from './reports.js';
import type { FilesystemStats } from './system-probe.js';

/** A mounted filesystem's snapshot: the `bytes` and `inodes` gauges from statfs. */
export function fileSystemUsage(stats: FilesystemStats): UsageSnapshot {
  return { totalBytes: stats.totalBytes, usedBytes: stats.usedBytes, availableBytes: stats.availableBytes, gauges: fileSystemGauges(stats) };
}

/**
 * A filesystem on a thin LV: its gauges plus the pool's data and metadata. The real headroom is the
 * smaller of the filesystem's and the pool's: blocks freed in the filesystem stay allocated in the pool
 * until discarded.
 */
export function thinPoolUsage(stats: FilesystemStats, pool: LvReport): UsageSnapshot {
  const poolFree = pool.sizeBytes * (1 - clampPercent(pool.dataPercent ?? 0) / 100);
  return {
    totalBytes: stats.totalBytes,
    usedBytes: stats.usedBytes,
    availableBytes: Math.max(0, Math.min(stats.availableBytes, Math.floor(poolFree))),
    gauges: [...fileSystemGauges(stats), ...poolGauges(pool)],
  };
}

/** A bare thin pool: capacity is the pool's data, and the `bytes` gauge mirrors its data percentage. */
export function poolOnlyUsage(pool: LvReport): UsageSnapshot {
  const usedBytes = Math.round((pool.sizeBytes * clampPercent(pool.dataPercent ?? 0)) / 100);
  return {
    totalBytes: pool.sizeBytes,
    usedBytes,
    availableBytes: pool.sizeBytes - usedBytes,
    gauges: [bytesGauge(usedBytes, pool.sizeBytes), ...poolGauges(pool)],
  };
}

function fileSystemGauges(stats: FilesystemStats): PressureGauge[] {
  const bytes = { ...bytesGauge(stats.usedBytes, stats.totalBytes), detail: `${formatBytes(stats.usedBytes)} of ${formatBytes(stats.totalBytes)}` };
  const gauges: PressureGauge[] = [bytes];
  // xfs and btrfs report inodes too; a filesystem that reports none (0 total) has no inode limit.
  if (stats.totalInodes > 0) {
    const used = stats.totalInodes - stats.freeInodes;
    gauges.push({ kind: 'inodes', usedPercent: clampPercent((used / stats.totalInodes) * 100), detail: `${used} of ${stats.totalInodes} inodes` });
  }
  return gauges;
}

function poolGauges(pool: LvReport): PressureGauge[] {
  return [
    { kind: 'thin-pool-data', usedPercent: clampPercent(pool.dataPercent ?? 0), detail: `${pool.dataPercent ?? 0}% of ${formatBytes(pool.sizeBytes)}` },
    {
      kind: 'thin-pool-metadata',
      usedPercent: clampPercent(pool.metadataPercent ?? 0),
      detail: `${pool.metadataPercent ?? 0}% of ${formatBytes(pool.metadataSizeBytes ?? 0)}`,
    },
  ];
}
