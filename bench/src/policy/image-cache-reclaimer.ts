import { sleep, type Clock, type ReclaimResult, type SpaceReclaimer } from '@ebs-autoscale/core';
import type { FillModel } from './fill-model.js';
import type { ChurnImage } from './image-churn.js';

/** What one image removal takes: a `docker image rm` of an unused image is well under a second. */
const REMOVE_MS_PER_IMAGE = 500;

/**
 * Docker's image cache as a reclaimer, for the image churn: it removes images no job uses any more
 * (their job ended), least recently used first, 0.5 s each, until it freed what it was asked for
 * (whole images, so it may free more). Core's `InMemoryReclaimer` keeps its removable bytes in the
 * in-memory driver, out of the fill model's sight, and cannot say "in use until"; this one removes
 * through the fill model, so the trace's writes and the reclaimer's removals are one account.
 */
export class ImageCacheReclaimer implements SpaceReclaimer {
  readonly name = 'docker-images';
  /** Bytes removed so far. */
  freedBytes = 0;
  private readonly clock: Clock;
  private readonly model: FillModel;
  /** Images still on the disk, in the order their jobs ended (least recently used first). */
  private readonly cached: ChurnImage[];

  constructor(options: { clock: Clock; model: FillModel; images: readonly ChurnImage[] }) {
    this.clock = options.clock;
    this.model = options.model;
    this.cached = [...options.images].sort((a, b) => a.unusedFrom - b.unusedFrom);
  }

  async estimate(): Promise<number> {
    return this.unused().reduce((sum, image) => sum + image.bytes, 0);
  }

  async reclaim(targetBytes: number, signal?: AbortSignal): Promise<ReclaimResult> {
    const removed: string[] = [];
    let bytesFreed = 0;
    for (const image of this.unused()) {
      if (bytesFreed >= targetBytes || signal?.aborted) break;
      try {
        await sleep(this.clock, REMOVE_MS_PER_IMAGE, signal);
      } catch {
        break; // The round's budget ended: what is removed so far counts.
      }
      this.cached.splice(this.cached.indexOf(image), 1);
      const freed = this.model.reclaim(image.bytes);
      bytesFreed += freed;
      this.freedBytes += freed;
      removed.push(image.id);
    }
    return { bytesFreed, removed };
  }

  /** Images whose job has ended by now, least recently used first. */
  private unused(): ChurnImage[] {
    const now = this.clock.now() / 1000;
    return this.cached.filter((image) => image.unusedFrom <= now);
  }
}
