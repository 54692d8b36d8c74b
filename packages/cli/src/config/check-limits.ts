import type { ScalingLimits } from '@ebs-autoscale/core';
import type { IssueList } from './issues.js';
import { VOLUME_TYPE_RULES, type VolumeType } from './volume-rules.js';

/** Field paths of the limits, as the file spells them. */
export type LimitPaths = Record<'minVolumeGiB' | 'maxVolumeGiB' | 'maxTotalCreatedGiB' | 'maxAttachedVolumes', string>;

/** Cross-field checks on limits that each field alone cannot make: min ≤ max, sizes the type allows. */
export function checkLimits(limits: ScalingLimits, type: VolumeType, paths: LimitPaths, issues: IssueList): void {
  const [lowest, highest] = VOLUME_TYPE_RULES[type].sizeGiB;
  if (limits.minVolumeGiB > limits.maxVolumeGiB) {
    issues.add(paths.minVolumeGiB, `expected at most ${paths.maxVolumeGiB} (${limits.maxVolumeGiB}), got ${limits.minVolumeGiB}`);
  }
  if (limits.minVolumeGiB < lowest) issues.add(paths.minVolumeGiB, `expected at least ${lowest} GiB for ${type} volumes, got ${limits.minVolumeGiB}`);
  if (limits.maxVolumeGiB > highest) issues.add(paths.maxVolumeGiB, `expected at most ${highest} GiB for ${type} volumes, got ${limits.maxVolumeGiB}`);
  if (limits.maxTotalCreatedGiB < limits.minVolumeGiB) {
    issues.add(paths.maxTotalCreatedGiB, `expected at least the minimum volume size (${limits.minVolumeGiB} GiB), got ${limits.maxTotalCreatedGiB}; no volume could ever be added`);
  }
}
