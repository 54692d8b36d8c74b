/** The EBS volume types the agent can create. */
export const VOLUME_TYPES = ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1'] as const;

/** One EBS volume type. */
export type VolumeType = (typeof VOLUME_TYPES)[number];

/** What EC2 accepts for one volume type. */
export interface VolumeTypeRule {
  readonly sizeGiB: readonly [number, number];
  /** Allowed provisioned IOPS; absent when the type takes none. */
  readonly iops?: readonly [number, number];
  /** Whether CreateVolume refuses the type without `Iops`. */
  readonly iopsRequired?: boolean;
  /** Allowed throughput, MiB/s; absent when the type takes none. */
  readonly throughput?: readonly [number, number];
  /**
   * Most IOPS per GiB of volume size. For gp3 it limits only IOPS above the 3,000 every gp3 volume gets
   * whatever its size (a 1 GiB gp3 volume has 3,000 IOPS), as the EBS CSI driver's capIOPS applies it.
   */
  readonly iopsPerGiB?: number;
}

/**
 * EC2's CreateVolume ranges per type, as the EC2 API reference states them today (CreateVolume `Iops`,
 * `Throughput`, `Size`; gp3 raised to 64 TiB, 80,000 IOPS and 2,000 MiB/s in September 2025). It
 * repeats provisioner-ebs's table (src/volume-types.ts, which cites the sources); the house issue
 * makes that one the only one.
 */
export const VOLUME_TYPE_RULES: Readonly<Record<VolumeType, VolumeTypeRule>> = {
  gp3: { sizeGiB: [1, 65536], iops: [3000, 80000], throughput: [125, 2000], iopsPerGiB: 500 },
  gp2: { sizeGiB: [1, 16384] },
  io1: { sizeGiB: [4, 16384], iops: [100, 64000], iopsRequired: true, iopsPerGiB: 50 },
  io2: { sizeGiB: [4, 65536], iops: [100, 256000], iopsRequired: true, iopsPerGiB: 1000 },
  st1: { sizeGiB: [125, 16384] },
  sc1: { sizeGiB: [125, 16384] },
};

/** True for a name in {@link VOLUME_TYPES}. */
export function isVolumeType(value: unknown): value is VolumeType {
  return typeof value === 'string' && (VOLUME_TYPES as readonly string[]).includes(value);
}

/** The smallest volume, GiB, that EC2 creates with `iops` of this type: what the per-GiB ratio allows (gp3's baseline is free of it). */
export function smallestSizeForIops(type: VolumeType, iops: number): number {
  const rule = VOLUME_TYPE_RULES[type];
  if (!rule.iopsPerGiB || !rule.iops) return rule.sizeGiB[0];
  const free = type === 'gp3' ? rule.iops[0] : 0;
  return iops <= free ? rule.sizeGiB[0] : Math.max(rule.sizeGiB[0], Math.ceil(iops / rule.iopsPerGiB));
}

/**
 * What is wrong with one volume's size for its type (and IOPS), or undefined: the same ranges EC2's
 * CreateVolume applies, checked before any call so an impossible size is refused at load, not at the
 * first CreateVolume.
 */
export function volumeSizeProblem(sizeGiB: number, type: VolumeType, iops?: number): string | undefined {
  const [lowest, highest] = VOLUME_TYPE_RULES[type].sizeGiB;
  if (!Number.isInteger(sizeGiB) || sizeGiB < lowest || sizeGiB > highest) return `expected a whole number of GiB from ${lowest} to ${highest} for ${type} volumes, got ${sizeGiB}`;
  const smallest = iops === undefined ? lowest : smallestSizeForIops(type, iops);
  if (sizeGiB < smallest) return `${iops} IOPS needs ${type} volumes of at least ${smallest} GiB, got ${sizeGiB}`;
  return undefined;
}
