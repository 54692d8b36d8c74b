/** One volume's in-place growths this autoscaler made (ModifyVolume), for the modification budget. */
export interface InPlaceGrowths {
  readonly volumeId: string;
  /** When each growth started, ms on the autoscaler's clock, oldest first; the last {@link KEPT_STARTS}. */
  readonly startedAt: readonly number[];
}

/** Device removals (shrinks) since the autoscaler was made, by `volume:removed`'s outcome. */
export interface RemovalCounts {
  readonly released: number;
  readonly kept: number;
  readonly cancelled: number;
}

/**
 * More than any modification rule counts: EBS's allows four per volume within a rolling 24 hours
 * (provisioner-ebs's `MODIFICATION_RULE`, the one home of that rule; a reader judges the budget by it).
 */
const KEPT_STARTS = 8;

/** What changed the filesystem's size besides adding a device: growths in place and removals, for `status()`. */
export class CapacityChanges {
  private readonly starts = new Map<string, number[]>();
  private removals: RemovalCounts = { released: 0, kept: 0, cancelled: 0 };

  noteInPlace(volumeId: string, at: number): void {
    this.starts.set(volumeId, [...(this.starts.get(volumeId) ?? []), at].slice(-KEPT_STARTS));
  }

  noteRemoval(outcome: keyof RemovalCounts): void {
    this.removals = { ...this.removals, [outcome]: this.removals[outcome] + 1 };
  }

  inPlaceGrowths(): InPlaceGrowths[] {
    return [...this.starts].map(([volumeId, startedAt]) => ({ volumeId, startedAt: [...startedAt] }));
  }

  removalCounts(): RemovalCounts {
    return this.removals;
  }
}
