import { GIB } from '../units.js';
import type { ScalingLimits, ScalingState } from './policy.js';

/**
 * The smallest next volume, GiB, that still lets the filesystem reach `maxTotalCreatedGiB` within the
 * volume-count limits: the volumes left after this one, each at `maxVolumeGiB`, must be able to add
 * what remains. Sizing volumes to the fill rate makes them smaller than amazon-ebs-autoscale's step
 * schedule, so more of them; without this floor a slow start could spend the attached-volume limit
 * (16 by default) on small volumes and leave the filesystem short of the capacity its limits promise.
 * Returns 0 or less while no floor is needed (with the defaults: until about the tenth 150 GiB volume).
 *
 * This floor jumps: once it binds, the next volume must make up for every small one before it (after
 * ten 32 GiB volumes, the eleventh must be 1500 GiB). That is why the minimum stays at 150 GiB: with
 * 32–100 GiB, constant fills of 1 TiB at 150–900 MiB/s ended at 2100 GiB allocated instead of 1150
 * (1.0–2.45× the baseline's over-provisioned GiB-hours in `pnpm bench:policy`). A floor that grows
 * with the filesystem instead (each volume at least the smallest fixed fraction of the capacity that
 * still reaches the total, about a third with the defaults) does not jump, but it was measured worse
 * where it binds: 0.58–0.74× on those fills with a 150 GiB minimum, against 0.36–0.42× with this one,
 * and no better on genomics with 32–100 GiB minimums (0.75–0.80×), whose volumes it makes as large.
 * (One-off runs of the bench's `runTrace` when this was written; bench/out/policy.md keeps the shipped
 * policy only.)
 */
export function reachableFloorGiB(limits: ScalingLimits, state: ScalingState): number {
  const slots = slotsLeft(limits, state);
  if (slots < 1) return 0;
  const remaining = limits.maxTotalCreatedGiB - state.addedGiB;
  return remaining - (slots - 1) * limits.maxVolumeGiB;
}

/** What {@link wantedVolumeGiB} sizes for. */
export interface VolumeNeed {
  /** The fill rate the free space must last at, bytes per second. */
  readonly bytesPerSecond: number;
  /** How long it must last after the add, seconds. */
  readonly coverSeconds: number;
  /** Free now, bytes (may be negative: an ext4 eating into its reserved blocks). */
  readonly availableBytes: number;
  /** Free after the add at least this (the free-space net), bytes. Default 0. */
  readonly minFreeBytes?: number;
  /** Add at least this, GiB, whatever the bytes say (a gauge other than bytes: {@link gaugeShortfallGiB}). Default 0. */
  readonly atLeastGiB?: number;
  /** Bytes promised to reservations, wanted free on top of the rest (`PolicyInput.reservedBytes`). Default 0. */
  readonly reservedBytes?: number;
}

/**
 * What the next volume should add, GiB, before the limits clamp it: enough that the free space after
 * the add lasts `coverSeconds` at `bytesPerSecond` and is at least `minFreeBytes` (the free-space net
 * that may have triggered the add: sizing only by the rate would buy minimum-size volumes one by one
 * until the net is met), at least `atLeastGiB`, no less than {@link reachableFloorGiB}, and never so much
 * that a remainder below the minimum is stranded: the whole remaining allowance when it fits in one
 * volume, else a size that leaves at least one minimum volume to create.
 */
export function wantedVolumeGiB(need: VolumeNeed, limits: ScalingLimits, state: ScalingState): number {
  const wanted = Math.max(limits.minVolumeGiB, shortfallGiB(need), need.atLeastGiB ?? 0, reachableFloorGiB(limits, state));
  const remaining = limits.maxTotalCreatedGiB - state.addedGiB;
  if (remaining - wanted >= limits.minVolumeGiB) return wanted;
  if (remaining <= limits.maxVolumeGiB) return remaining;
  // Taking it all would need more than one volume, and the clamp to maxVolumeGiB would then leave less
  // than a minimum volume, which could never be created. Leave exactly one minimum volume instead, when
  // a slot is left for it after this one; else the maximum (the last slot: nothing more can come). An
  // allowance that holds no two minimum volumes has no such split: what is wanted, clamped, is all
  // that can come, and taking `remaining - min` there would buy less than is wanted.
  const leavesCreatable = remaining - limits.maxVolumeGiB >= limits.minVolumeGiB;
  if (leavesCreatable || slotsLeft(limits, state) < 2) return limits.maxVolumeGiB;
  return remaining - limits.minVolumeGiB >= limits.minVolumeGiB ? remaining - limits.minVolumeGiB : wanted;
}

/** GiB the free space lacks for `need`'s rate, net and reservations (0 or less when it lacks none). */
export function shortfallGiB(need: VolumeNeed): number {
  const { bytesPerSecond, coverSeconds, availableBytes, minFreeBytes = 0, reservedBytes = 0 } = need;
  return (Math.max(bytesPerSecond * coverSeconds, minFreeBytes) + Math.max(0, reservedBytes) - Math.max(0, availableBytes)) / GIB;
}

/**
 * GiB to free (not add) so that the filesystem, with `demandBytes` used or promised, reads below
 * `thresholdPercent`; one GiB more for the strict comparison. What a reclaimer must free where the
 * threshold, not the fill, asks for space. 0 or less when nothing needs freeing.
 */
export function thresholdExcessGiB(demandBytes: number, totalBytes: number, thresholdPercent: number): number {
  return (demandBytes - (thresholdPercent / 100) * totalBytes) / GIB + 1;
}

/** Volumes that may still be created under the count limits. */
function slotsLeft(limits: ScalingLimits, state: ScalingState): number {
  return Math.min(limits.maxAttachedVolumes - state.attachedVolumes, limits.maxCreatedVolumes - state.addedVolumes);
}

/**
 * GiB to add so that a gauge other than bytes (ext4 inodes, btrfs metadata, a thin pool's data) lasts
 * `coverSeconds` at its rise. It assumes what the gauge counts grows in proportion to the filesystem:
 * resize2fs adds block groups with their inode tables, btrfs allocates metadata chunks on the new
 * device, a thin pool grows by the volume. At `worstPercent` of a capacity C, rising
 * `risePercentPerSecond` points of C a second, an add of Δ leaves the gauge at worst·C/(C+Δ), rising
 * r·C/(C+Δ); lasting `coverSeconds` needs C + Δ ≥ C·(worst + r·cover)/100. Sized by the byte rate alone,
 * a many-small-files job would get minimum-size volumes one after another while bytes barely move.
 * 0 or less when no add is needed for the gauge.
 */
export function gaugeShortfallGiB(worstPercent: number, risePercentPerSecond: number, coverSeconds: number, totalBytes: number): number {
  return (totalBytes * ((worstPercent + risePercentPerSecond * coverSeconds) / 100 - 1)) / GIB;
}

/**
 * GiB to add so that the filesystem, with `demandBytes` used or promised (written bytes, the free space
 * an ext4 keeps for root, and reservations), reads below `thresholdPercent` after the add, so that a
 * reservation is met by one volume and not by one that lands just above the threshold and a second.
 * One GiB more for the strict comparison and the filesystem's own overhead on the new space.
 * 0 or less when no add is needed.
 */
export function thresholdShortfallGiB(demandBytes: number, totalBytes: number, thresholdPercent: number): number {
  return (demandBytes / (thresholdPercent / 100) - totalBytes) / GIB + 1;
}
