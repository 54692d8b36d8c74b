import { EBS_VOLUME_TYPE_RULES, EBS_VOLUME_TYPES, isEbsVolumeType } from '@ebs-autoscale/provisioner-ebs';
import { INSTALL_DEFAULTS, type VolumeConfig } from './agent-config.js';
import type { IssueList } from './issues.js';
import { quoteList, type ObjectReader } from './object-reader.js';
import { tagKeyProblem } from './tag-keys.js';

/** Keys the two formats spell differently. */
export interface VolumeKeys {
  readonly kmsKeyId?: string;
  readonly tags?: string;
}

/**
 * Reads the `volume` object of either format: the type, then IOPS and throughput checked against that
 * type's range. With `legacy`, IOPS and throughput on a type that takes none are dropped, not refused:
 * amazon-ebs-autoscale's install.sh writes `"iops": "3000"` whatever the type, and its
 * create-ebs-volume passes them only where they apply, so such files must keep working unedited.
 */
export function readVolume(reader: ObjectReader | undefined, issues: IssueList, options: { legacy: boolean; keys?: VolumeKeys }): VolumeConfig {
  // No IOPS or throughput unless the file sets them: EBS gives every gp3 volume 3,000 IOPS and
  // 125 MiB/s anyway, and a request without them can never be refused for a small size.
  const fallback: VolumeConfig = { type: INSTALL_DEFAULTS.volumeType, encrypted: true, tags: {} };
  if (!reader) return fallback;
  const rawType = reader.raw('type');
  let type = INSTALL_DEFAULTS.volumeType;
  if (rawType !== undefined) {
    if (isEbsVolumeType(rawType)) type = rawType;
    else issues.expected(reader.at('type'), `one of ${quoteList(EBS_VOLUME_TYPES)}`, rawType);
  }
  const rule = EBS_VOLUME_TYPE_RULES[type];
  const acceptStrings = options.legacy;
  const iops = readPerformance(reader, issues, 'iops', rule.iops, type, acceptStrings, options.legacy);
  const throughput = readPerformance(reader, issues, 'throughput', rule.throughput, type, acceptStrings, options.legacy);
  if (rule.iops?.required && iops === undefined && !reader.has('iops'))
    issues.add(reader.at('iops'), `is required for ${type}: an integer from ${rule.iops.min} to ${rule.iops.max}`);
  // Throughput is capped per provisioned IOPS (gp3: 0.25 MiB/s, provisioner-ebs's table); without `iops`
  // the volume gets the type's baseline (gp3: 3,000), so the same ratio caps the throughput (at 750).
  const ratedIops = iops ?? rule.iops?.min;
  const perIops = rule.throughput?.perIops;
  if (perIops !== undefined && ratedIops !== undefined && throughput !== undefined && throughput > ratedIops * perIops) {
    issues.add(
      reader.at('throughput'),
      `expected at most ${Math.floor(ratedIops * perIops)} MiB/s for ${type} with ${ratedIops} IOPS (${perIops} MiB/s per IOPS${iops === undefined ? `, and ${ratedIops} is the baseline without \`iops\`` : ''}), got ${throughput}`,
    );
  }
  const encrypted = reader.boolean('encrypted', { legacy: options.legacy }) ?? true;
  const kmsKey = options.keys?.kmsKeyId;
  const kmsKeyId = kmsKey
    ? reader.string(kmsKey, {
        pattern: [
          /^(arn:aws[\w-]*:kms:[\w-]+:\d{12}:(key|alias)\/[\w/-]+|alias\/[\w/-]+|[0-9a-f-]{36}|mrk-[0-9a-f]{32})$/,
          'a KMS key id, key ARN, alias name (alias/…) or alias ARN',
        ],
      })
    : undefined;
  if (kmsKeyId && !encrypted) issues.add(reader.at(kmsKey!), 'a KMS key is set but `encrypted` is false; set `encrypted: true` or remove the key');
  const tags = options.keys?.tags ? (reader.stringMap(options.keys.tags, tagKeyProblem) ?? {}) : {};
  reader.finish();
  return {
    type,
    encrypted,
    tags,
    ...(iops === undefined ? {} : { iops }),
    ...(throughput === undefined ? {} : { throughput }),
    ...(kmsKeyId ? { kmsKeyId } : {}),
  };
}

function readPerformance(
  reader: ObjectReader,
  issues: IssueList,
  key: 'iops' | 'throughput',
  range: { readonly min: number; readonly max: number } | undefined,
  type: string,
  acceptStrings: boolean,
  legacy: boolean,
): number | undefined {
  const value = reader.raw(key);
  if (value === undefined) return undefined;
  if (!range) {
    if (legacy) return undefined;
    issues.add(
      reader.at(key),
      `${type} volumes take no ${key === 'iops' ? 'provisioned IOPS' : 'throughput setting'}; remove it, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  return reader.checkNumber(reader.at(key), value, { integer: true, min: range.min, max: range.max, context: `for ${type}`, acceptStrings });
}
