import type { ScalingLimits } from '@ebs-autoscale/core';
import type { IssueList } from './issues.js';
import { smallestSizeForIops, VOLUME_TYPE_RULES, type VolumeType } from './volume-rules.js';

/** Field paths of the limits, as the file spells them. */
export type LimitPaths = Record<'minVolumeGiB' | 'maxVolumeGiB' | 'maxTotalCreatedGiB' | 'maxAttachedVolumes', string>;

/** Cross-field checks on limits that each field alone cannot make: min ≤ max, sizes the type allows. */
export function checkLimits(limits: ScalingLimits, type: VolumeType, paths: LimitPaths, issues: IssueList, iops?: { value: number | undefined; path: string }): void {
  const [lowest, highest] = VOLUME_TYPE_RULES[type].sizeGiB;
  if (limits.minVolumeGiB > limits.maxVolumeGiB) {
    issues.add(paths.minVolumeGiB, `expected at most ${paths.maxVolumeGiB} (${limits.maxVolumeGiB}), got ${limits.minVolumeGiB}`);
  }
  if (limits.minVolumeGiB < lowest) issues.add(paths.minVolumeGiB, `expected at least ${lowest} GiB for ${type} volumes, got ${limits.minVolumeGiB}`);
  if (limits.maxVolumeGiB > highest) issues.add(paths.maxVolumeGiB, `expected at most ${highest} GiB for ${type} volumes, got ${limits.maxVolumeGiB}`);
  if (limits.maxTotalCreatedGiB < limits.minVolumeGiB) {
    issues.add(paths.maxTotalCreatedGiB, `expected at least the minimum volume size (${limits.minVolumeGiB} GiB), got ${limits.maxTotalCreatedGiB}; no volume could ever be added`);
  }
  // EC2 refuses a volume whose IOPS exceed its type's per-GiB ratio, so the smallest volume the agent
  // may create must be large enough for the configured IOPS.
  if (iops?.value !== undefined) {
    const smallest = smallestSizeForIops(type, iops.value);
    if (limits.minVolumeGiB < smallest) {
      issues.add(iops.path, `${iops.value} IOPS needs ${type} volumes of at least ${smallest} GiB (${VOLUME_TYPE_RULES[type].iopsPerGiB} IOPS per GiB), but ${paths.minVolumeGiB} is ${limits.minVolumeGiB}; lower the IOPS or raise the minimum size`);
    }
  }
}
