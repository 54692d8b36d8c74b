import type { Filter, Tag, TagSpecification } from '@aws-sdk/client-ec2';
import type { InstanceIdentity } from './instance-identity.js';

/** The instance that created the volume, as amazon-ebs-autoscale tags it: existing filters keep working. */
export const TAG_SOURCE_INSTANCE = 'source-instance';
/** Creation time in epoch seconds, as amazon-ebs-autoscale tags it. */
export const TAG_CREATION_TIME = 'amazon-ebs-autoscale-creation-time';
/** The creating instance's ARN, for IAM conditions such as `aws:ResourceTag/source-instance-arn`. */
export const TAG_SOURCE_INSTANCE_ARN = 'source-instance-arn';
/** The mount point the volume grows, so one instance can run agents for several mount points. */
export const TAG_MOUNT_POINT = 'ebs-autoscale:mount-point';

/** EC2 allows 50 tags per resource. */
const MAX_TAGS = 50;

/**
 * The tags of a new volume: the instance's own tags (not `aws:*`, which users cannot set), then ours,
 * which win on a clash. Structured key/value pairs all the way, so `:`, spaces and `=` survive. When the
 * instance has too many tags, the instance's are cut, never ours.
 */
export function volumeTags(identity: InstanceIdentity, mountPoint: string, nowMs: number, extra: Record<string, string> = {}): Tag[] {
  const ours: Tag[] = [
    { Key: TAG_SOURCE_INSTANCE, Value: identity.instanceId },
    { Key: TAG_CREATION_TIME, Value: String(Math.floor(nowMs / 1000)) },
    { Key: TAG_SOURCE_INSTANCE_ARN, Value: identity.arn },
    { Key: TAG_MOUNT_POINT, Value: mountPoint },
  ];
  const reserved = new Set(ours.map((tag) => tag.Key));
  const added = Object.entries(extra)
    .filter(([key]) => !reserved.has(key) && !key.startsWith('aws:'))
    .map(([Key, Value]) => ({ Key, Value }));
  for (const tag of added) reserved.add(tag.Key);
  const inherited = identity.tags.filter((tag) => !tag.key.startsWith('aws:') && !reserved.has(tag.key)).map((tag) => ({ Key: tag.key, Value: tag.value }));
  return [...inherited.slice(0, Math.max(0, MAX_TAGS - ours.length - added.length)), ...added, ...ours];
}

/** TagSpecifications for CreateVolume: tags set atomically with the volume, never by a later CreateTags. */
export function volumeTagSpecifications(tags: Tag[]): TagSpecification[] {
  return [{ ResourceType: 'volume', Tags: tags }];
}

/** Filters for the volumes this instance created; with `mountPoint`, only those of that mount point. */
export function ownedVolumeFilters(instanceId: string, mountPoint?: string): Filter[] {
  const filters: Filter[] = [{ Name: `tag:${TAG_SOURCE_INSTANCE}`, Values: [instanceId] }];
  if (mountPoint !== undefined) filters.push({ Name: `tag:${TAG_MOUNT_POINT}`, Values: [mountPoint] });
  return filters;
}

/** The value of a tag in an SDK tag list. */
export function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.Key === key)?.Value;
}
