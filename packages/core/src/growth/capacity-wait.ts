import { sleep, type Clock } from '../clock.js';
import { EbsAutoscaleError } from '../errors.js';
import type { FilesystemDriver } from '../filesystem-driver.js';
import { GIB } from '../units.js';
import type { UsageSnapshot } from '../usage.js';

/** How long to wait for the filesystem to report its new capacity after a growth (`StorageAutoscalerOptions.capacity`). */
export interface CapacityWaitOptions {
  /** Poll interval, ms. Default 1000. */
  readonly pollMs?: number;
  /** Give up after this long, ms. Default 120 000. */
  readonly timeoutMs?: number;
  /** Capacity counts as grown at `before + ratio × added size`. Default 0.5 (filesystems keep some for metadata). */
  readonly minGrowthRatio?: number;
  /**
   * Bytes of filesystem capacity one GiB of volume brings, for what a shrink takes away with a device.
   * Default `GIB`, as on EBS; the loop-backed simulator scales volumes down (`--bytes-per-gib`).
   */
  readonly bytesPerGiB?: number;
}

/** The capacity before a growth and the GiB it added: what the wait waits for. */
export interface GrowthTarget {
  /** The filesystem's capacity before the growth, bytes. */
  readonly fromTotalBytes: number;
  readonly addedGiB: number;
}

/** The confirm step: polls the driver's usage until a growth shows, on the autoscaler's clock. */
export class CapacityWait {
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly minGrowthRatio: number;
  /** See {@link CapacityWaitOptions.bytesPerGiB}. */
  readonly bytesPerGiB: number;

  constructor(
    private readonly driver: FilesystemDriver,
    private readonly clock: Clock,
    options: CapacityWaitOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.minGrowthRatio = options.minGrowthRatio ?? 0.5;
    this.bytesPerGiB = options.bytesPerGiB ?? GIB;
  }

  /** The capacity at which a growth counts as done: the size before it plus the growth ratio of what it added. */
  grownCapacity(target: GrowthTarget): number {
    return target.fromTotalBytes + this.minGrowthRatio * target.addedGiB * GIB;
  }

  /** Polls usage until the capacity reaches the target's, running `regrow` before each poll after the first. */
  async wait(target: GrowthTarget, signal: AbortSignal, regrow?: () => Promise<void>): Promise<UsageSnapshot> {
    const expectedTotalBytes = this.grownCapacity(target);
    const deadline = this.clock.now() + this.timeoutMs;
    for (let poll = 0; ; poll += 1) {
      if (poll > 0) await regrow?.();
      const usage = await this.driver.usage();
      if (usage.totalBytes >= expectedTotalBytes) return usage;
      if (this.clock.now() >= deadline) {
        throw new EbsAutoscaleError(
          'autoscaler',
          'TIMEOUT',
          `${this.driver.mountPoint} still reports ${usage.totalBytes} bytes, expected at least ${Math.round(expectedTotalBytes)} after the extend.`,
          {
            hint: 'Check the driver: the device was added but the filesystem did not grow.',
            retryable: true,
          },
        );
      }
      await sleep(this.clock, this.pollMs, signal);
    }
  }
}
