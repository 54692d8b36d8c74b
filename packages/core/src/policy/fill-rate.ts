import type { UsageSample } from './policy.js';

/** Options of {@link estimateFillRate}. */
export interface FillRateOptions {
  /** How far back to look, seconds. Default 60. */
  windowSeconds?: number;
  /** Into how many equal buckets the window is cut. Default 5. */
  buckets?: number;
}

/**
 * Estimates how fast the filesystem fills, bytes per second, robustly.
 *
 * The window is cut into equal time buckets; each bucket's rate is the sum of the increases of used
 * bytes in it (decreases count as zero) over its length, and the estimate is the median of the bucket
 * rates. Why this shape:
 * - a delete must not make the agent think the disk stopped filling: decreases are clipped to zero, so
 *   the writer's rate is still seen around it;
 * - one burst (an image pull) lands in one bucket and moves the median not at all;
 * - intermittent writers (a write every few samples) are averaged within a bucket, which a median of
 *   successive differences would read as zero.
 * Returns 0 with fewer than two samples in the window.
 */
export function estimateFillRate(samples: readonly UsageSample[], options: FillRateOptions = {}): number {
  const last = samples.at(-1);
  if (!last) return 0;
  const windowMs = (options.windowSeconds ?? 60) * 1000;
  const bucketCount = Math.max(1, Math.floor(options.buckets ?? 5));
  const start = last.at - windowMs;
  const recent = samples.filter((sample) => sample.at >= start);
  if (recent.length < 2) return 0;
  const first = recent[0]!;
  const span = last.at - first.at;
  if (span <= 0) return 0;
  const bucketMs = span / bucketCount;
  const increases = new Array<number>(bucketCount).fill(0);
  for (let i = 1; i < recent.length; i += 1) {
    const previous = recent[i - 1]!;
    const current = recent[i]!;
    const grown = Math.max(0, current.usedBytes - previous.usedBytes);
    const from = previous.at - first.at;
    const to = current.at - first.at;
    if (grown === 0 || to <= from) continue;
    // Spread the growth uniformly over the interval it happened in, so that buckets that do not align
    // with sample times still see a constant rate as constant.
    for (let b = Math.floor(from / bucketMs); b < bucketCount && b * bucketMs < to; b += 1) {
      const overlap = Math.min(to, (b + 1) * bucketMs) - Math.max(from, b * bucketMs);
      if (overlap > 0) increases[b]! += (grown * overlap) / (to - from);
    }
  }
  const rates = increases.map((bytes) => bytes / (bucketMs / 1000)).sort((a, b) => a - b);
  return median(rates);
}

/**
 * How fast the worst pressure gauge rises, percent per second, over the last `windowSeconds`: the sum
 * of its rises between samples (falls count as zero, as in {@link estimateFillRate}, so neither a delete
 * nor the drop a scale-up causes hides a climb) over the window, 0 with fewer than two samples. The
 * byte rate does not see every kind of fullness: a many-small-files job exhausts ext4 inodes or btrfs
 * metadata while bytes barely move, and the worst gauge then is the one filling.
 */
export function estimateGaugeRise(samples: readonly UsageSample[], windowSeconds: number): number {
  const asBytes = samples.map((sample) => ({ ...sample, usedBytes: sample.worstPercent }));
  return estimateFillRate(asBytes, { windowSeconds, buckets: 1 });
}

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
