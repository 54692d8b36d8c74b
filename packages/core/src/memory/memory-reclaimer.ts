import { sleep, systemClock, type Clock } from '../clock.js';
import type { ReclaimResult, SpaceReclaimer } from '../reclaim/space-reclaimer.js';
import type { InMemoryDriver } from './memory-driver.js';

/** Options of {@link InMemoryReclaimer}. */
export interface InMemoryReclaimerOptions {
  /** The filesystem it frees space on. */
  driver: InMemoryDriver;
  /** How long one `reclaim()` takes, ms on `clock` (aborted by its signal). Default 0. */
  latencyMs?: number;
  clock?: Clock;
  /** Its name in events. Default `memory`. */
  name?: string;
}

/**
 * A reclaimer over an {@link InMemoryDriver}: `hold(bytes)` writes bytes that it may remove later (as
 * Docker's unused images), and `reclaim()` removes them, the oldest first, after `latencyMs`. It keeps
 * the contract the real ones keep: it frees only what it holds, stops when its signal aborts (freeing
 * nothing), and reports what it freed. `failNext()` makes the next calls throw.
 */
export class InMemoryReclaimer implements SpaceReclaimer {
  readonly name: string;
  private readonly driver: InMemoryDriver;
  private readonly latencyMs: number;
  private readonly clock: Clock;
  /** What it may remove, oldest first: one entry per `hold()`. */
  private held: { id: string; bytes: number }[] = [];
  private nextId = 1;
  private failures: Error[] = [];
  /** How many times each method ran. */
  readonly calls = { estimate: 0, reclaim: 0 };

  constructor(options: InMemoryReclaimerOptions) {
    this.driver = options.driver;
    this.latencyMs = options.latencyMs ?? 0;
    this.clock = options.clock ?? systemClock;
    this.name = options.name ?? 'memory';
  }

  /** Writes `bytes` to the filesystem as something this reclaimer may remove; returns its id. */
  hold(bytes: number): string {
    this.driver.write(bytes);
    const id = `item-${this.nextId++}`;
    this.held.push({ id, bytes });
    return id;
  }

  /** Bytes it holds now. */
  get heldBytes(): number {
    return this.held.reduce((sum, item) => sum + item.bytes, 0);
  }

  async estimate(): Promise<number> {
    this.calls.estimate += 1;
    return this.heldBytes;
  }

  async reclaim(targetBytes: number, signal?: AbortSignal): Promise<ReclaimResult> {
    this.calls.reclaim += 1;
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (this.latencyMs > 0) await sleep(this.clock, this.latencyMs, signal);
    signal?.throwIfAborted();
    const removed: string[] = [];
    let bytesFreed = 0;
    // Whole items, as Docker removes whole images: it may free more than asked.
    while (bytesFreed < targetBytes && this.held.length > 0) {
      const item = this.held.shift()!;
      this.driver.remove(item.bytes);
      bytesFreed += item.bytes;
      removed.push(item.id);
    }
    return { bytesFreed, removed };
  }

  /** The next `reclaim()` calls throw these, in order. */
  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }
}
