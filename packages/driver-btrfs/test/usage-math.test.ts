// The usage arithmetic and the maintenance plan on sysfs fixtures: no root, no devices. The figures of
// the first fixture are a real 256 MiB filesystem's, with the `btrfs filesystem usage -b --raw` output
// of that moment as the expected values.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { btrfsSpace, btrfsUsage, planMaintenance, readBtrfsAllocation, type BtrfsAllocation, type SpaceInfo } from '../src/index.js';

const MIB = 1024 * 1024;
const info = (totalBytes: number, bytesUsed: number, ratio: number, chunkSize: number): SpaceInfo => ({
  totalBytes,
  bytesUsed,
  diskTotal: totalBytes * ratio,
  diskUsed: bytesUsed * ratio,
  chunkSize,
  bytesInFlight: 0,
  bytesMayUse: 0,
});

// A fresh 256 MiB btrfs: Data single 8 MiB, Metadata DUP 32 MiB (131072 used), System DUP 8 MiB (16384 used).
const fresh: BtrfsAllocation = {
  data: info(8 * MIB, 0, 1, 10240 * MIB),
  metadata: info(32 * MIB, 131072, 2, 256 * MIB),
  system: info(8 * MIB, 16384, 2, 32 * MIB),
  globalReserve: 5767168,
  deviceNames: ['loop0'],
  deviceBytes: 256 * MIB,
};

describe('btrfs usage arithmetic', () => {
  it('reproduces `btrfs filesystem usage -b --raw` Overall figures', () => {
    expect(btrfsSpace(fresh)).toMatchObject({
      deviceBytes: 268435456,
      allocatedBytes: 92274688,
      unallocatedBytes: 176160768,
      usedBytes: 294912,
      freeEstimatedBytes: 184549376,
      dataRatio: 1,
      metadataRatio: 2,
    });
  });

  it('reports metadata pressure near 100 % once unallocated space is gone, while bytes still look free', () => {
    // Data chunks claimed everything; metadata chunks are nearly full; 100 MiB free in data chunks.
    const stuck: BtrfsAllocation = {
      ...fresh,
      data: info(200 * MIB, 100 * MIB, 1, 10240 * MIB),
      metadata: info(24 * MIB, 18 * MIB, 2, 256 * MIB),
    };
    const usage = btrfsUsage(stuck);
    const gauge = (kind: string) => usage.gauges.find((g) => g.kind === kind)?.usedPercent ?? -1;
    expect(btrfsSpace(stuck).unallocatedBytes).toBe(0);
    expect(usage.availableBytes).toBe(100 * MIB);
    expect(gauge('bytes')).toBeLessThan(65);
    expect(gauge('btrfs-metadata')).toBeGreaterThan(95);
    expect(usage.usedBytes + usage.availableBytes).toBeLessThanOrEqual(usage.totalBytes);
  });

  it('counts written data that no transaction has committed yet as used (bytes_used lags by up to 30 s)', () => {
    // Measured on a 256 MiB btrfs (Linux 6.18) while a writer wrote 1 MiB blocks with fdatasync: 108 MiB
    // sat in data `bytes_reserved` and 2 MiB in `bytes_may_use` while `bytes_used` was still 0, and df
    // showed the same stale figure. A gauge on `bytes_used` alone read ~30 % as writes began to fail.
    const writing: BtrfsAllocation = {
      ...fresh,
      data: { ...info(175 * MIB, 0, 1, 10240 * MIB), bytesInFlight: 108 * MIB, bytesMayUse: 2 * MIB },
      metadata: { ...info(32 * MIB, 131072, 2, 256 * MIB), bytesInFlight: 1 * MIB },
    };
    const usage = btrfsUsage(writing);
    const unallocated = btrfsSpace(writing).unallocatedBytes;
    expect(usage.availableBytes).toBe(175 * MIB - 110 * MIB + unallocated);
    expect(usage.usedBytes).toBeGreaterThanOrEqual(110 * MIB);
    expect(usage.usedBytes + usage.availableBytes).toBeLessThanOrEqual(usage.totalBytes);
  });

  it('plans nothing while unallocated space covers the metadata reserve', () => {
    expect(planMaintenance(fresh).balanceDataUsage).toBeUndefined();
  });

  it('plans a data-only balance with a usage filter when unallocated is short and data chunks are slack', () => {
    const tight: BtrfsAllocation = { ...fresh, data: info(200 * MIB, 20 * MIB, 1, 10240 * MIB), metadata: info(24 * MIB, 1 * MIB, 2, 256 * MIB) };
    const plan = planMaintenance(tight, 40);
    expect(plan.balanceDataUsage).toBe(40);
    expect(plan.reason).toContain('reserve');
  });

  it('plans nothing when unallocated is short but data chunks are full (only a new device helps)', () => {
    const full: BtrfsAllocation = { ...fresh, data: info(200 * MIB, 199 * MIB, 1, 10240 * MIB), metadata: info(24 * MIB, 1 * MIB, 2, 256 * MIB) };
    expect(planMaintenance(full).balanceDataUsage).toBeUndefined();
  });
});

describe('readBtrfsAllocation on an injected sys root', () => {
  let root: string | undefined;
  afterAll(() => (root ? rm(root, { recursive: true, force: true }) : undefined));

  it('reads allocation, reserve and device sizes from files', async () => {
    root = await mkdtemp(join(tmpdir(), 'btrfs-sysfs-'));
    const fs = join(root, 'fs', 'btrfs', '491bfe74-af9e-443d-bbde-375aca04f689');
    const put = async (path: string, value: number) => {
      await mkdir(join(fs, path, '..'), { recursive: true });
      await writeFile(join(fs, path), `${value}\n`);
    };
    for (const [type, space] of Object.entries({ data: fresh.data, metadata: fresh.metadata, system: fresh.system })) {
      await put(`allocation/${type}/total_bytes`, space.totalBytes);
      await put(`allocation/${type}/bytes_used`, space.bytesUsed);
      await put(`allocation/${type}/disk_total`, space.diskTotal);
      await put(`allocation/${type}/disk_used`, space.diskUsed);
      await put(`allocation/${type}/chunk_size`, space.chunkSize);
      await put(`allocation/${type}/bytes_reserved`, space.bytesInFlight);
      await put(`allocation/${type}/bytes_pinned`, 0);
      await put(`allocation/${type}/bytes_readonly`, 0);
      await put(`allocation/${type}/bytes_may_use`, space.bytesMayUse);
    }
    await put('allocation/global_rsv_size', fresh.globalReserve);
    await put('devices/loop0/size', (256 * MIB) / 512);
    expect(await readBtrfsAllocation(root, '491bfe74-af9e-443d-bbde-375aca04f689')).toEqual(fresh);
  });
});
