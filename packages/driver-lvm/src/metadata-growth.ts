/**
 * Bytes of thin-pool metadata per data chunk that LVM's own estimate budgets (lib/metadata/thin_manip.c,
 * `_estimate_metadata_size`: 64 bytes per chunk), doubled for the btree's free space and snapshots.
 */
const METADATA_BYTES_PER_CHUNK = 128;
/** The kernel's limit on thin-pool metadata (DM_THIN_MAX_METADATA_SIZE, ~15.81 GiB); more is never used. */
export const MAX_POOL_METADATA_BYTES = 255 * ((1 << 14) - 64) * 4096;
/** LVM's minimum pool metadata size. */
const MIN_POOL_METADATA_BYTES = 2 * 1024 * 1024;

/** What {@link planMetadataGrowth} decides from. */
export interface MetadataGrowthInput {
  /** The pool's metadata LV size now. */
  readonly metadataBytes: number;
  /** How full the metadata is now, 0–100. */
  readonly metadataPercent: number;
  /** The pool's data size once this extend is done. */
  readonly dataBytesAfter: number;
  /** The pool's chunk size. */
  readonly chunkBytes: number;
  /** The VG's extent size: LVM allocates in extents, so the growth is rounded up to one. */
  readonly extentBytes: number;
  /** Grow when metadata is at least this full, even if its size matches the data. Default 50. */
  readonly thresholdPercent?: number | undefined;
}

/**
 * How many bytes to add to a thin pool's metadata, 0 for none. Metadata that fills up is how thin
 * pools die: the pool goes read-only (or worse, needs `thin_repair`) with data space left. So grow it
 * ahead of need: to the size the pool's new data size calls for, and to at least double when it is
 * past `thresholdPercent` full (a workload of many small writes or snapshots uses more per chunk than
 * the estimate).
 */
export function planMetadataGrowth(input: MetadataGrowthInput): number {
  const threshold = input.thresholdPercent ?? 50;
  let target = Math.max(input.metadataBytes, MIN_POOL_METADATA_BYTES);
  if (input.chunkBytes > 0) target = Math.max(target, Math.ceil(input.dataBytesAfter / input.chunkBytes) * METADATA_BYTES_PER_CHUNK);
  if (input.metadataPercent >= threshold) target = Math.max(target, input.metadataBytes * 2);
  target = Math.min(target, MAX_POOL_METADATA_BYTES);
  const growth = target - input.metadataBytes;
  if (growth <= 0) return 0;
  const extent = input.extentBytes > 0 ? input.extentBytes : 1;
  return Math.ceil(growth / extent) * extent;
}
