import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_POOL_METADATA_BYTES, planMetadataGrowth } from '../src/index.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const base = { metadataBytes: 4 * MIB, metadataPercent: 10, chunkBytes: 64 * 1024, extentBytes: 4 * MIB };

describe('planMetadataGrowth', () => {
  it('grows nothing while metadata is sized for the data and not under pressure', () => {
    expect(planMetadataGrowth({ ...base, dataBytesAfter: 1 * GIB })).toBe(0);
  });

  it('grows to what the new data size calls for (128 B per chunk)', () => {
    // 10 GiB / 64 KiB = 163 840 chunks × 128 B = 20 MiB, so 16 MiB more.
    expect(planMetadataGrowth({ ...base, dataBytesAfter: 10 * GIB })).toBe(16 * MIB);
  });

  it('at least doubles metadata past the threshold', () => {
    expect(planMetadataGrowth({ ...base, metadataPercent: 50, dataBytesAfter: 1 * GIB })).toBe(4 * MIB);
    expect(planMetadataGrowth({ ...base, metadataPercent: 49.9, dataBytesAfter: 1 * GIB })).toBe(0);
    expect(planMetadataGrowth({ ...base, metadataPercent: 30, thresholdPercent: 25, dataBytesAfter: 1 * GIB })).toBe(4 * MIB);
  });

  it('rounds up to whole extents and never passes the kernel limit', () => {
    expect(planMetadataGrowth({ ...base, metadataBytes: 4 * MIB, dataBytesAfter: 2.5 * GIB, extentBytes: 4 * MIB })).toBe(4 * MIB);
    expect(planMetadataGrowth({ ...base, metadataBytes: MAX_POOL_METADATA_BYTES, metadataPercent: 90, dataBytesAfter: 1000 * GIB })).toBe(0);
  });

  it('is extent-aligned, non-negative, and bounded by the limit for any input', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4096 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 64 * 1024 }),
        fc.constantFrom(64 * 1024, 512 * 1024, 1024 * 1024),
        (metadataMiB, metadataPercent, dataGiB, chunkBytes) => {
          const input = { metadataBytes: metadataMiB * MIB, metadataPercent, dataBytesAfter: dataGiB * GIB, chunkBytes, extentBytes: 4 * MIB };
          const growth = planMetadataGrowth(input);
          expect(growth).toBeGreaterThanOrEqual(0);
          expect(growth % (4 * MIB)).toBe(0);
          if (growth > 0) expect(input.metadataBytes + growth).toBeLessThan(MAX_POOL_METADATA_BYTES + 4 * MIB);
        },
      ),
    );
  });
});
