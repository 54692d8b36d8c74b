/** A token bucket's size and its refill rate in tokens per second. */
export interface BucketLimit {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/**
 * EC2's request token bucket: it starts full, each admitted request takes one token, and it refills
 * at a fixed rate up to its capacity (AWS, "Request throttling for the Amazon EC2 API"). A request
 * that finds it empty is refused and takes nothing: the docs describe the refill, not whether refused
 * requests are charged, and charging them would make any retrying client starve itself.
 *
 * Refill is computed lazily from the time passed to {@link TokenBucket.take}, so it works on a
 * virtual clock and in a discrete-event simulation alike.
 *
 * @example
 * ```ts
 * const createVolume = new TokenBucket({ capacity: 100, refillPerSecond: 5 }, 0);
 * createVolume.take(0); // true: 99 tokens left
 * ```
 */
export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  /** A full bucket at `nowMs`. */
  constructor(
    readonly limit: BucketLimit,
    nowMs: number,
  ) {
    this.tokens = limit.capacity;
    this.updatedAtMs = nowMs;
  }

  /** Takes one token at `nowMs` (milliseconds on any clock) if there is one; true when the request may proceed. */
  take(nowMs: number): boolean {
    const elapsedSeconds = Math.max(0, nowMs - this.updatedAtMs) / 1000;
    this.tokens = Math.min(this.limit.capacity, this.tokens + elapsedSeconds * this.limit.refillPerSecond);
    this.updatedAtMs = Math.max(this.updatedAtMs, nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
