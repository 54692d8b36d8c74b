import { TAG_CREATION_TIME, TAG_MOUNT_POINT, TAG_SOURCE_INSTANCE, TAG_SOURCE_INSTANCE_ARN } from '@ebs-autoscale/provisioner-ebs';

/** The tags the provisioner sets on every volume to know its own; a configured one would be dropped. */
const OWNERSHIP_TAGS: readonly string[] = [TAG_SOURCE_INSTANCE, TAG_SOURCE_INSTANCE_ARN, TAG_MOUNT_POINT, TAG_CREATION_TIME];

/**
 * What is wrong with the key of an extra volume tag, or undefined. Reserved keys are refused with a
 * reason rather than dropped at create time, which left the operator's tag silently missing.
 * EC2 reserves the `aws:` prefix in any letter case; keys are otherwise 1–128 characters of a small set.
 */
export function tagKeyProblem(key: string): string | undefined {
  if (/^aws:/i.test(key)) return 'tag keys starting with "aws:" (in any case) are reserved for AWS and refused by EC2; remove or rename this tag';
  if (OWNERSHIP_TAGS.includes(key))
    return `is the agent's own ownership tag, which it sets on every volume it creates to recognise it (reserved: ${OWNERSHIP_TAGS.join(', ')}); remove or rename this tag`;
  if (!/^[\w .:/=+@-]{1,128}$/.test(key)) return 'key must be 1–128 characters of letters, digits, spaces and _.:/=+-@';
  return undefined;
}
