/**
 * Something that frees space on the mount point without buying a volume: Docker's unused images and
 * stopped containers, a cache directory, old logs. The third seam of core, beside the driver and the
 * provisioner: when pressure crosses the policy's threshold the autoscaler asks its reclaimers first and
 * provisions only what reclaiming did not free in time (issue 16, part 3).
 *
 * The contract: `reclaim()` never removes what is in use (for Docker: an image a running or created
 * container uses), stops soon after `signal` aborts, and reports what it actually freed, which may be
 * less or more than asked.
 *
 * How the autoscaler calls it (`ReclaimRounds`): one round at a time, the reclaimers in the order
 * given; `estimate()` first, and no `reclaim()` when it says 0 or less; `targetBytes` is the space the
 * policy lacks (`Decision.neededGiB`, which a volume would round up to its minimum size; at a limit,
 * the smallest volume) less what the reclaimers before it freed. `signal` aborts when the round's budget ends (or the autoscaler is
 * stopped with `abandon`); the autoscaler does not wait past that, reports a `TIMEOUT`, and asks this
 * reclaimer again only once the call has settled. A throw is reported as `reclaim:failed`; the round
 * goes on with the next reclaimer.
 */
export interface SpaceReclaimer {
  /** A short name for logs and events, e.g. `docker`. */
  readonly name: string;
  /** Bytes `reclaim()` could free now, as well as it can tell without removing anything. */
  estimate(): Promise<number>;
  /** Frees at least `targetBytes` if it can, least valuable first; resolves with what it freed. */
  reclaim(targetBytes: number, signal?: AbortSignal): Promise<ReclaimResult>;
}

/** What one `reclaim()` did. */
export interface ReclaimResult {
  /** Bytes freed, as the reclaimer measured them (Docker reports them per removed image). */
  readonly bytesFreed: number;
  /** What was removed, for the log: image ids, container ids, paths. */
  readonly removed: readonly string[];
}
