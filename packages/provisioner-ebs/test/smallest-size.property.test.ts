// smallestSizeForIops is what the CLI's configuration checks use to refuse a minimum volume size too
// small for the configured IOPS; validateVolumeSpec is what the provisioner applies before CreateVolume.
// Both read one table, and this holds their two readings of its per-GiB ratio together.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { EBS_VOLUME_TYPE_RULES, EBS_VOLUME_TYPES, smallestSizeForIops, validateVolumeSpec } from '../src/index.js';

const accepts = (type: (typeof EBS_VOLUME_TYPES)[number], iops: number, sizeGiB: number): boolean => {
  try {
    validateVolumeSpec({ type, iops }, sizeGiB);
    return true;
  } catch {
    return false;
  }
};

const typeWithIops = fc.constantFrom(...EBS_VOLUME_TYPES.filter((type) => EBS_VOLUME_TYPE_RULES[type].iops));

it('the smallest size for some IOPS is one the provisioner accepts with them, and one GiB less is not', () => {
  fc.assert(
    fc.property(typeWithIops, fc.double({ min: 0, max: 1, noNaN: true }), (type, share) => {
      const { min, max } = EBS_VOLUME_TYPE_RULES[type].iops!;
      const iops = Math.round(min + share * (max - min));
      const smallest = smallestSizeForIops(type, iops);
      expect(accepts(type, iops, smallest)).toBe(true);
      if (smallest > EBS_VOLUME_TYPE_RULES[type].minGiB) expect(accepts(type, iops, smallest - 1)).toBe(false);
    }),
    { numRuns: 500 },
  );
});

it('every type without IOPS has its minimum size as the smallest', () => {
  for (const type of EBS_VOLUME_TYPES.filter((name) => !EBS_VOLUME_TYPE_RULES[name].iops))
    expect(smallestSizeForIops(type, 3000)).toBe(EBS_VOLUME_TYPE_RULES[type].minGiB);
});
