import { bytesGauge, clampPercent, formatBytes, type UsageSnapshot } from '@ebs-autoscale/core';
import type { BtrfsAllocation, SpaceInfo } from './btrfs-sysfs.js';

/** The figures `btrfs filesystem usage -b --raw` prints under "Overall", computed from sysfs. */
export interface BtrfsSpace {
  /** `Device size`: all member devices, raw bytes. */
  readonly deviceBytes: number;
  /** `Device allocated`: raw bytes in chunks of any type. */
  readonly allocatedBytes: number;
  /** `Device unallocated`: raw bytes in no chunk yet, which data or metadata may still claim. */
  readonly unallocatedBytes: number;
  /** `Used`: raw bytes used (metadata counted twice under DUP). */
  readonly usedBytes: number;
  /** `Free (estimated)`: free space inside data chunks plus unallocated space at the data ratio. */
  readonly freeEstimatedBytes: number;
  /** Raw bytes per logical byte of data (1 for single) and of metadata (2 for DUP). */
  readonly dataRatio: number;
  readonly metadataRatio: number;
  /**
   * Logical data bytes written or promised but not yet committed (`bytes_reserved`, `bytes_pinned`,
   * `bytes_readonly`, `bytes_may_use`): not in `usedBytes` or `freeEstimatedBytes`, which match the
   * btrfs tool and, like it and like df, lag a fast writer by up to a commit interval.
   */
  readonly pendingDataBytes: number;
}

function ratio(info: SpaceInfo, fallback: number): number {
  return info.totalBytes > 0 ? info.diskTotal / info.totalBytes : fallback;
}

/** Computes the "Overall" figures of `btrfs filesystem usage` from the sysfs counters. */
export function btrfsSpace(allocation: BtrfsAllocation): BtrfsSpace {
  const { data, metadata, system } = allocation;
  const allocatedBytes = data.diskTotal + metadata.diskTotal + system.diskTotal;
  const unallocatedBytes = Math.max(0, allocation.deviceBytes - allocatedBytes);
  const dataRatio = ratio(data, 1);
  return {
    deviceBytes: allocation.deviceBytes,
    allocatedBytes,
    unallocatedBytes,
    usedBytes: data.diskUsed + metadata.diskUsed + system.diskUsed,
    freeEstimatedBytes: Math.max(0, data.totalBytes - data.bytesUsed) + Math.floor(unallocatedBytes / dataRatio),
    dataRatio,
    metadataRatio: ratio(metadata, 2),
    pendingDataBytes: data.bytesInFlight + data.bytesMayUse,
  };
}

/**
 * The usage snapshot of a btrfs filesystem.
 *
 * - `totalBytes` is the raw size of all devices, so adding a device adds exactly its size.
 * - `availableBytes` is the real headroom for file data: free space inside data chunks plus unallocated
 *   space (btrfs's own "Free (estimated)"), not `df`'s figure, less the data written or reserved that no
 *   transaction has committed yet. Without that, a writer that fsyncs (log tree, no commit) stays
 *   invisible for up to 30 s: on a 256 MiB filesystem, 108 MiB sat in `bytes_reserved` while
 *   `bytes_used` and df still said 0, and writes failed with ENOSPC at a gauge of ~30 %.
 * - The `bytes` gauge is `1 − available / total`: space tied up in half-empty metadata chunks counts as
 *   used, because file data cannot go there.
 * - The `btrfs-metadata` gauge is metadata used (plus the global reserve, which ordinary writes may not
 *   touch) over what metadata can still reach: its allocated chunks plus unallocated space at the
 *   metadata ratio. Once data chunks have claimed all unallocated space, metadata cannot grow, and this
 *   gauge reaches 100 while `df` still shows free space: the "No space left on device" of
 *   amazon-ebs-autoscale issue #2. The autoscaler acts on the worst gauge, so it adds a device in time.
 */
export function btrfsUsage(allocation: BtrfsAllocation): UsageSnapshot {
  const space = btrfsSpace(allocation);
  const { metadata } = allocation;
  const total = space.deviceBytes;
  const available = Math.min(Math.max(0, space.freeEstimatedBytes - space.pendingDataBytes), total);
  const used = Math.min(space.usedBytes + space.pendingDataBytes * space.dataRatio + metadata.bytesInFlight * space.metadataRatio, total - available);
  // Not `bytes_may_use` for metadata: it holds worst-case reservations the kernel reclaims by flushing,
  // and it already includes the global reserve, which we count on its own.
  const metadataUsed = metadata.bytesUsed + metadata.bytesInFlight + allocation.globalReserve;
  const metadataReach = metadata.totalBytes + Math.floor(space.unallocatedBytes / space.metadataRatio);
  const bytes = bytesGauge(total - available, total);
  return {
    totalBytes: total,
    usedBytes: used,
    availableBytes: available,
    gauges: [
      { ...bytes, detail: `${formatBytes(available)} free of ${formatBytes(total)} (${formatBytes(space.unallocatedBytes)} unallocated)` },
      {
        kind: 'btrfs-metadata',
        usedPercent: metadataReach > 0 ? clampPercent((metadataUsed / metadataReach) * 100) : 100,
        detail: `${formatBytes(metadataUsed)} of ${formatBytes(metadataReach)} metadata reachable`,
      },
    ],
  };
}
