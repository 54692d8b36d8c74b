/**
 * EBS's rule for modifying one volume, as the EC2 API reference for ModifyVolume states it today:
 * "After you initiate a volume modification, you must wait for that modification to reach the
 * `completed` state before you can initiate another modification for the same volume. You can modify
 * a volume up to four times within a rolling 24-hour period" (docs.aws.amazon.com/AWSEC2/latest/
 * APIReference/API_ModifyVolume.html; the error `VolumeModificationRateExceeded` says the same). It
 * replaced the long-standing "wait at least 6 hours between modifications per EBS volume".
 */
export const MODIFICATION_RULE = {
  /** Most modifications of one volume started within {@link MODIFICATION_RULE.windowMs}. */
  perWindow: 4,
  /** The rolling window, ms. */
  windowMs: 24 * 60 * 60 * 1000,
} as const;

/**
 * The start times of the modifications this process made, per volume. EC2 reports only a volume's
 * latest modification (DescribeVolumesModifications), so the time the window frees a slot can be
 * known exactly only for modifications we made ourselves; for the rest the latest start plus the
 * whole window is the safe bound (every modification before it has left the window by then).
 */
export class ModificationHistory {
  private readonly starts = new Map<string, number[]>();

  /** Records a modification of `volumeId` accepted at `at`. */
  record(volumeId: string, at: number): void {
    const starts = [...(this.starts.get(volumeId) ?? []), at].slice(-MODIFICATION_RULE.perWindow);
    this.starts.set(volumeId, starts);
  }

  /**
   * When `volumeId` may be modified again after EBS refused it at `now`: when the oldest of the last
   * four known starts leaves the window; or, knowing fewer than four, `latestStart` (EC2's latest
   * modification) plus the window.
   */
  retryAt(volumeId: string, now: number, latestStart: number | undefined): Date {
    const known = (this.starts.get(volumeId) ?? []).filter((at) => now - at < MODIFICATION_RULE.windowMs);
    if (known.length >= MODIFICATION_RULE.perWindow) return new Date(known[known.length - MODIFICATION_RULE.perWindow]! + MODIFICATION_RULE.windowMs);
    const latest = Math.max(latestStart ?? now, ...known);
    return new Date(latest + MODIFICATION_RULE.windowMs);
  }
}

/** What {@link modificationBudget} says of one volume. */
export interface ModificationBudget {
  /** Modifications started within the rolling window. */
  readonly inWindow: number;
  /** How many more EBS allows now: {@link MODIFICATION_RULE.perWindow} less `inWindow`, at least 0. */
  readonly left: number;
  /** When none is left: when the oldest counted start leaves the window, ms. */
  readonly nextAt?: number;
}

/**
 * The budget left of one volume at `now`, given the starts of its modifications (oldest first): the
 * rule's one reading for `status` and the metrics, as {@link ModificationHistory.retryAt} is for the provisioner.
 */
export function modificationBudget(startedAt: readonly number[], now: number): ModificationBudget {
  const { perWindow, windowMs } = MODIFICATION_RULE;
  const recent = startedAt.filter((at) => now - at < windowMs);
  const left = Math.max(0, perWindow - recent.length);
  if (left > 0 || recent.length === 0) return { inWindow: recent.length, left };
  return { inWindow: recent.length, left, nextAt: recent[recent.length - perWindow]! + windowMs };
}
