import type { BtrfsAllocation } from './btrfs-sysfs.js';
import { btrfsSpace } from './btrfs-usage.js';

/** What to do after a device was added. */
export interface MaintenancePlan {
  /** Run `btrfs balance start -dusage=<n>` with this n, or undefined for nothing. Never a metadata balance. */
  readonly balanceDataUsage: number | undefined;
  /** Why, for logs. */
  readonly reason: string;
}

/**
 * Decides the maintenance after `btrfs device add`, following the btrfs developers' advice rather than
 * the bash tool's `btrfs balance start -m` after every add:
 *
 * - Never balance metadata routinely. A metadata balance packs metadata into fewer block groups and
 *   returns the rest to unallocated space, which data then claims; the next metadata growth finds no
 *   room and the filesystem hits ENOSPC with free space showing. Metadata should keep the block groups
 *   it has (btrfs-balance(8), "ENOSPC" and "filters" sections,
 *   https://btrfs.readthedocs.io/en/latest/btrfs-balance.html; "-musage is not recommended", Manjaro
 *   wiki Btrfs page; Zygo Blaxell's repeated advice on the linux-btrfs list: do not balance metadata,
 *   keep unallocated space for metadata instead).
 * - Keep about `2 + number of devices` metadata block groups' worth of space unallocated, so metadata
 *   can always grow (the same linux-btrfs advice; the kernel needs spare room on each device to
 *   allocate a chunk there).
 * - Only when unallocated space is below that reserve and data chunks hold reclaimable free space,
 *   compact data with a usage filter (`-dusage=N`), which rewrites only data block groups at most N %
 *   full: cheap, and it returns whole chunks to unallocated space (https://wiki.tnonline.net/w/Btrfs/Balance).
 *
 * Right after a device add, unallocated space includes the whole new device, so on real volume sizes
 * this usually decides "nothing".
 */
export function planMaintenance(allocation: BtrfsAllocation, dataUsagePercent = 50): MaintenancePlan {
  const space = btrfsSpace(allocation);
  const devices = Math.max(1, allocation.deviceNames.length);
  // The allocator caps a chunk at 10 % of the filesystem, so small filesystems get small chunks.
  const cap = Math.max(1, Math.floor(allocation.deviceBytes / 10));
  const metadataChunk = Math.min(allocation.metadata.chunkSize, cap) * space.metadataRatio;
  const reserve = (2 + devices) * metadataChunk;
  if (space.unallocatedBytes >= reserve) {
    return { balanceDataUsage: undefined, reason: `unallocated ${space.unallocatedBytes} B ≥ metadata reserve ${reserve} B` };
  }
  const dataChunk = Math.min(allocation.data.chunkSize, cap);
  const slack = allocation.data.totalBytes - allocation.data.bytesUsed;
  if (slack < dataChunk) {
    return { balanceDataUsage: undefined, reason: `unallocated below reserve but data chunks hold only ${slack} B free: nothing to reclaim` };
  }
  return { balanceDataUsage: dataUsagePercent, reason: `unallocated ${space.unallocatedBytes} B < reserve ${reserve} B and ${slack} B free in data chunks` };
}
