import { ProvisionerError } from '@ebs-autoscale/core';

/** The EBS volume types this provisioner creates, in the order configuration errors list them. */
export const EBS_VOLUME_TYPES = ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1'] as const;

/** One of {@link EBS_VOLUME_TYPES}. */
export type EbsVolumeType = (typeof EBS_VOLUME_TYPES)[number];

/** How a new volume is made: type, performance and encryption. */
export interface VolumeSpec {
  /** Default `gp3`. */
  type?: EbsVolumeType;
  /** Provisioned IOPS: gp3 (default 3000 by EBS), io1 and io2 (required). Not allowed for the others. */
  iops?: number;
  /** Throughput in MiB/s: gp3 only (default 125 by EBS). */
  throughputMiBps?: number;
  /** Default true. */
  encrypted?: boolean;
  /** A KMS key id, alias or ARN; default the account's EBS default key. Requires `encrypted`. */
  kmsKeyId?: string;
}

/** What EC2 accepts for one volume type. */
export interface EbsVolumeTypeRule {
  readonly minGiB: number;
  readonly maxGiB: number;
  /**
   * Provisioned IOPS, absent when the type takes none. `perGiB` limits only IOPS above `min`: every gp3
   * volume, 1 GiB included, gets (and accepts) 3,000 IOPS, as the EBS CSI driver's capIOPS applies it.
   * `required`: CreateVolume refuses the type without `Iops`.
   */
  readonly iops?: { readonly min: number; readonly max: number; readonly perGiB: number; readonly required: boolean };
  /** Throughput, MiB/s, absent when the type takes none; at most `perIops` MiB/s per provisioned IOPS. */
  readonly throughput?: { readonly min: number; readonly max: number; readonly perIops: number };
}

/**
 * Size and performance limits per type, as the EC2 API reference states them today for CreateVolume
 * and ModifyVolume (docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html, `Iops`,
 * `Throughput`, `Size`): gp3 1–65,536 GiB, 3,000–80,000 IOPS, 125–2,000 MiB/s (raised from 16 TiB,
 * 16,000 IOPS and 1,000 MiB/s in September 2025); gp2 1–16,384; io1 4–16,384 GiB, 100–64,000 IOPS;
 * io2 (Block Express) 4–65,536 GiB, 100–256,000 IOPS; st1/sc1 125–16,384 GiB. The ratios are the EBS
 * user guide's: gp3 500 IOPS per GiB (above its 3,000 baseline) and 0.25 MiB/s per IOPS, io1 50 and
 * io2 1,000 IOPS per GiB. EC2 has the last word: a request it refuses surfaces as INVALID_ARGUMENT, so
 * keep these no wider than the documented ranges. ec2-sim keeps its own copy on purpose, and
 * test/volume-rules-vs-sim.test.ts holds the two against each other. The CLI's configuration checks
 * read this table too, so a size or IOPS it accepts at load is one this provisioner creates.
 */
export const EBS_VOLUME_TYPE_RULES: Readonly<Record<EbsVolumeType, EbsVolumeTypeRule>> = {
  gp3: { minGiB: 1, maxGiB: 65_536, iops: { min: 3000, max: 80_000, perGiB: 500, required: false }, throughput: { min: 125, max: 2000, perIops: 0.25 } },
  gp2: { minGiB: 1, maxGiB: 16_384 },
  io1: { minGiB: 4, maxGiB: 16_384, iops: { min: 100, max: 64_000, perGiB: 50, required: true } },
  io2: { minGiB: 4, maxGiB: 65_536, iops: { min: 100, max: 256_000, perGiB: 1000, required: true } },
  st1: { minGiB: 125, maxGiB: 16_384 },
  sc1: { minGiB: 125, maxGiB: 16_384 },
};

/** True for a name in {@link EBS_VOLUME_TYPES}. */
export function isEbsVolumeType(value: unknown): value is EbsVolumeType {
  return typeof value === 'string' && (EBS_VOLUME_TYPES as readonly string[]).includes(value);
}

/** The smallest volume, GiB, of `type` that EC2 creates with `iops`: what the per-GiB ratio allows above the type's minimum IOPS. */
export function smallestSizeForIops(type: EbsVolumeType, iops: number): number {
  const rules = EBS_VOLUME_TYPE_RULES[type];
  if (!rules.iops || iops <= rules.iops.min) return rules.minGiB;
  return Math.max(rules.minGiB, Math.ceil(iops / rules.iops.perGiB));
}

/** Throws `INVALID_ARGUMENT` unless `spec` can make a volume of `sizeGiB`; saying which rule failed. */
export function validateVolumeSpec(spec: VolumeSpec, sizeGiB: number): void {
  const type = spec.type ?? 'gp3';
  const rules = EBS_VOLUME_TYPE_RULES[type] as EbsVolumeTypeRule | undefined;
  const invalid = (message: string, hint: string) => new ProvisionerError('ebs', 'INVALID_ARGUMENT', message, { hint });
  if (!rules) throw invalid(`Unknown volume type ${String(type)}.`, `Use one of ${EBS_VOLUME_TYPES.join(', ')}.`);
  if (!Number.isInteger(sizeGiB) || sizeGiB < rules.minGiB || sizeGiB > rules.maxGiB) {
    throw invalid(
      `A ${type} volume must be a whole number of GiB from ${rules.minGiB} to ${rules.maxGiB}, got ${sizeGiB}.`,
      'Adjust the volume size limits or the volume type.',
    );
  }
  if (spec.iops !== undefined) {
    if (!rules.iops) throw invalid(`${type} volumes take no provisioned IOPS.`, 'Remove `iops`, or use gp3, io1 or io2.');
    const { min, max, perGiB } = rules.iops;
    const ceiling = Math.max(min, Math.min(max, perGiB * sizeGiB));
    if (!Number.isInteger(spec.iops) || spec.iops < min || spec.iops > ceiling) {
      throw invalid(
        `A ${sizeGiB} GiB ${type} volume takes ${min}–${ceiling} IOPS (${perGiB} per GiB, at most ${max}), got ${spec.iops}.`,
        'Lower `iops` or raise the minimum volume size.',
      );
    }
  } else if (rules.iops?.required) {
    throw invalid(`${type} volumes need provisioned IOPS.`, 'Set `iops`.');
  }
  if (spec.throughputMiBps !== undefined) {
    if (!rules.throughput) throw invalid(`${type} volumes take no provisioned throughput.`, 'Remove `throughputMiBps`, or use gp3.');
    const { min, max, perIops } = rules.throughput;
    const ceiling = Math.min(max, perIops * (spec.iops ?? rules.iops?.min ?? 0));
    if (spec.throughputMiBps < min || spec.throughputMiBps > ceiling) {
      throw invalid(
        `${type} throughput must be ${min}–${ceiling} MiB/s at ${spec.iops ?? rules.iops?.min} IOPS, got ${spec.throughputMiBps}.`,
        'Lower `throughputMiBps` or raise `iops`.',
      );
    }
  }
  if (spec.kmsKeyId && spec.encrypted === false) throw invalid('A KMS key was given for an unencrypted volume.', 'Drop `kmsKeyId` or keep `encrypted`.');
}
