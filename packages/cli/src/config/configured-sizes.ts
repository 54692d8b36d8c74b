import type { ScalingLimits } from '@ebs-autoscale/core';
import { EBS_VOLUME_TYPE_RULES, smallestSizeForIops, type EbsVolumeType } from '@ebs-autoscale/provisioner-ebs';
import type { IssueList } from './issues.js';

// The sizes a configuration sets, checked against the volume type's rules (provisioner-ebs's table, the
// one EC2's CreateVolume applies) at load, so an impossible size is refused before any call.

/** Field paths of the limits, as the file spells them. */
export type LimitPaths = Record<'minVolumeGiB' | 'maxVolumeGiB' | 'maxTotalCreatedGiB' | 'maxAttachedVolumes', string>;

/** Cross-field checks on configured limits that each field alone cannot make: min ≤ max, sizes the type allows, room for one volume. */
export function checkConfiguredLimits(
  limits: ScalingLimits,
  type: EbsVolumeType,
  paths: LimitPaths,
  issues: IssueList,
  iops?: { value: number | undefined; path: string },
): void {
  const { minGiB: lowest, maxGiB: highest } = EBS_VOLUME_TYPE_RULES[type];
  if (limits.minVolumeGiB > limits.maxVolumeGiB) {
    issues.add(paths.minVolumeGiB, `expected at most ${paths.maxVolumeGiB} (${limits.maxVolumeGiB}), got ${limits.minVolumeGiB}`);
  }
  if (limits.minVolumeGiB < lowest) issues.add(paths.minVolumeGiB, `expected at least ${lowest} GiB for ${type} volumes, got ${limits.minVolumeGiB}`);
  if (limits.maxVolumeGiB > highest) issues.add(paths.maxVolumeGiB, `expected at most ${highest} GiB for ${type} volumes, got ${limits.maxVolumeGiB}`);
  if (limits.maxTotalCreatedGiB < limits.minVolumeGiB) {
    issues.add(
      paths.maxTotalCreatedGiB,
      `expected at least the minimum volume size (${limits.minVolumeGiB} GiB), got ${limits.maxTotalCreatedGiB}; no volume could ever be added`,
    );
  }
  // EC2 refuses a volume whose IOPS exceed its type's per-GiB ratio, so the smallest volume the agent
  // may create must be large enough for the configured IOPS.
  if (iops?.value !== undefined) {
    const smallest = smallestSizeForIops(type, iops.value);
    if (limits.minVolumeGiB < smallest) {
      issues.add(
        iops.path,
        `${iops.value} IOPS needs ${type} volumes of at least ${smallest} GiB (${EBS_VOLUME_TYPE_RULES[type].iops?.perGiB} IOPS per GiB), but ${paths.minVolumeGiB} is ${limits.minVolumeGiB}; lower the IOPS or raise the minimum size`,
      );
    }
  }
}

/** What is wrong with one volume's size for its type (and IOPS), in the configuration's wording, or undefined. */
export function volumeSizeProblem(sizeGiB: number, type: EbsVolumeType, iops?: number): string | undefined {
  const { minGiB: lowest, maxGiB: highest } = EBS_VOLUME_TYPE_RULES[type];
  if (!Number.isInteger(sizeGiB) || sizeGiB < lowest || sizeGiB > highest)
    return `expected a whole number of GiB from ${lowest} to ${highest} for ${type} volumes, got ${sizeGiB}`;
  const smallest = iops === undefined ? lowest : smallestSizeForIops(type, iops);
  if (sizeGiB < smallest) return `${iops} IOPS needs ${type} volumes of at least ${smallest} GiB, got ${sizeGiB}`;
  return undefined;
}
