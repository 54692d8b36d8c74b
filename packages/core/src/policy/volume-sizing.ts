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
  const slots = Math.min(limits.maxAttachedVolumes - state.attachedVolumes, limits.maxCreatedVolumes - state.addedVolumes);
  if (slots < 1) return 0;
  const remaining = limits.maxTotalCreatedGiB - state.addedGiB;
  return remaining - (slots - 1) * limits.maxVolumeGiB;
}

/**
 * What the next volume should add, GiB, before the limits clamp it: enough that the free space after
 * the add lasts `coverSeconds` at `bytesPerSecond` and is at least `minFreeBytes` (the free-space net
 * that may have triggered the add: sizing only by the rate would buy minimum-size volumes one by one
 * until the net is met), no less than {@link reachableFloorGiB}, and the whole remaining allowance when
 * less than one minimum volume would otherwise be left over (a remainder below the minimum could never
 * be created).
 */
export function wantedVolumeGiB(bytesPerSecond: number, coverSeconds: number, availableBytes: number, limits: ScalingLimits, state: ScalingState, minFreeBytes = 0): number {
  const shortfallGiB = (Math.max(bytesPerSecond * coverSeconds, minFreeBytes) - Math.max(0, availableBytes)) / GIB;
  const wanted = Math.max(limits.minVolumeGiB, shortfallGiB, reachableFloorGiB(limits, state));
  const remaining = limits.maxTotalCreatedGiB - state.addedGiB;
  return remaining - wanted < limits.minVolumeGiB ? remaining : wanted;
}
