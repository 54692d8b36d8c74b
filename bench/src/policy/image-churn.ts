import { GIB, MIB, type ReclaimMode } from '@ebs-autoscale/core';
import { createRandom, exponential, logNormal } from '../sim/random.js';
import { ImageCacheReclaimer } from './image-cache-reclaimer.js';
import type { RunHooks } from './run.js';
import { traceFromIntervals, type Trace } from './workloads.js';

/** One pulled image: its size, and from when no container uses it (its job ended), seconds. */
export interface ChurnImage {
  readonly id: string;
  readonly bytes: number;
  readonly unusedFrom: number;
}

/**
 * Issue 16's image churn: a Batch host running hundreds of short jobs, each from an image of its own.
 * Jobs arrive as a Poisson process (mean gap 20 s, 360 jobs over 2 h); each pulls its image at
 * 250 MiB/s (log-normal, median 1.5 GiB, p99 12 GiB, as in {@link imagePulls}), writes 0.5–4 GiB of
 * scratch at 150 MiB/s and ends 30–150 s later, deleting its scratch. Its image stays on the disk,
 * unused from then on: ECS cleans images every 3 hours by default, longer than the run, so without a
 * reclaimer they pile up.
 */
export function imageChurn(seed = 1): { trace: Trace; images: ChurnImage[] } {
  const random = createRandom(seed);
  const imageSize = logNormal(1.5 * GIB, 12 * GIB);
  const intervals: { start: number; end: number; rate: number }[] = [];
  const deletes: { at: number; bytes: number }[] = [];
  const images: ChurnImage[] = [];
  let t = 0;
  for (let job = 0; job < 360; job += 1) {
    t += exponential(random, 20);
    const bytes = imageSize(random);
    const pulled = t + bytes / (250 * MIB);
    intervals.push({ start: t, end: pulled, rate: 250 * MIB });
    const scratch = (0.5 + 3.5 * random()) * GIB;
    const written = pulled + scratch / (150 * MIB);
    intervals.push({ start: pulled, end: written, rate: 150 * MIB });
    const ended = written + 30 + 120 * random();
    deletes.push({ at: ended, bytes: scratch });
    images.push({ id: `image-${job + 1}`, bytes, unusedFrom: ended });
  }
  const trace = traceFromIntervals(
    'image churn',
    '360 short jobs in 2 h, each pulling its own image (median 1.5 GiB, p99 12 GiB) at 250 MiB/s and writing 0.5–4 GiB of scratch; images stay after the job',
    t + 1800,
    intervals,
    deletes,
  );
  return { trace, images };
}

/** The churn's hooks with reclaim on: one {@link ImageCacheReclaimer} over its images, and its rounds counted by mode. */
export function withImageReclaim(images: readonly ChurnImage[]): { hooks: RunHooks; reclaimed: () => number; rounds: Partial<Record<ReclaimMode, number>> } {
  let reclaimer: ImageCacheReclaimer | undefined;
  const rounds: Partial<Record<ReclaimMode, number>> = {};
  return {
    hooks: {
      reclaimers: ({ clock, model }) => {
        reclaimer = new ImageCacheReclaimer({ clock, model, images });
        return [reclaimer];
      },
      started: ({ autoscaler }) => {
        autoscaler.on('reclaim:start', ({ mode }) => {
          rounds[mode] = (rounds[mode] ?? 0) + 1;
        });
      },
    },
    reclaimed: () => reclaimer?.freedBytes ?? 0,
    rounds,
  };
}
