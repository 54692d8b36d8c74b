import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createExecaRunner } from '@ebs-autoscale/core';
import { canUseLoopDevices, warnSkip } from '@ebs-autoscale/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createLvmDriver, type LvmDriverOptions } from '../src/index.js';
import { createLvmLoopEnvironment } from './lvm-environment.js';

// Runs in the VM (`pnpm test:vm`): thin pools need device-mapper and online ext4 growth needs
// CAP_SYS_RESOURCE, neither of which the host has.
const MIB = 1024 * 1024;
const runner = createExecaRunner();
const canRun = canUseLoopDevices();
if (!canRun) warnSkip('lvm growth scenarios', 'need root, loop devices and device-mapper (run `pnpm test:vm`)');

describe.skipIf(!canRun)('lvm growth scenarios', () => {
  // Undoes only what these scenarios made (their mounts, VGs and loops): other VM test files run beside
  // this one, and an earlier sweep of every testkit mount unmounted theirs (issue 18).
  const environment = createLvmLoopEnvironment(runner);
  let counter = 0;
  afterEach(() => environment.cleanup());

  const device = (bytes: number) => environment.createDevice(bytes);
  const driverOn = async (options: Partial<LvmDriverOptions>) =>
    createLvmDriver({
      mountPoint: await environment.createMountPoint(),
      devices: [await device(256 * MIB)],
      runner,
      volumeGroup: `growth_${process.pid}_${++counter}`,
      ...options,
    });

  it('extends a thin pool three times while a writer runs, and every file reads back intact', async () => {
    const driver = await driverOn({});
    await driver.prepare();
    const written = new Map<string, string>();
    let writing = true;
    const writer = (async () => {
      for (let index = 0; writing && index < 200; index += 1) {
        const data = randomBytes(256 * 1024);
        const path = join(driver.mountPoint, `file-${index}`);
        await writeFile(path, data);
        written.set(path, createHash('sha256').update(data).digest('hex'));
      }
    })();
    const sizes = [(await driver.usage()).totalBytes];
    for (let round = 0; round < 3; round += 1) {
      await driver.extend(await device(256 * MIB));
      sizes.push((await driver.usage()).totalBytes);
    }
    writing = false;
    await writer;
    await runner.run('sync', []);

    for (let index = 1; index < sizes.length; index += 1) expect(sizes[index]).toBeGreaterThan((sizes[index - 1] ?? 0) + 200 * MIB);
    expect(await driver.devices()).toHaveLength(4);
    expect(written.size).toBeGreaterThan(0);
    for (const [path, sum] of written)
      expect(
        createHash('sha256')
          .update(await readFile(path))
          .digest('hex'),
        path,
      ).toBe(sum);
    const kinds = (await driver.usage()).gauges.map((gauge) => gauge.kind);
    expect(kinds).toEqual(expect.arrayContaining(['bytes', 'inodes', 'thin-pool-data', 'thin-pool-metadata']));
  });

  it('grows pool metadata created deliberately small when the data outgrows it', async () => {
    const driver = await driverOn({ layout: 'pool-only', poolMetadataSizeBytes: 2 * MIB });
    await driver.prepare();
    const before = await poolReport(driver.volumeGroup, driver.thinPool);
    expect(before.metadataBytes).toBeLessThanOrEqual(4 * MIB);
    // 2 GiB more data at 64 KiB chunks calls for ~4.5 MiB of metadata: more than the pool has.
    await driver.extend(await device(2048 * MIB));
    const after = await poolReport(driver.volumeGroup, driver.thinPool);
    expect(after.metadataBytes).toBeGreaterThan(before.metadataBytes);
    expect(after.dataBytes).toBeGreaterThan(before.dataBytes + 1800 * MIB);
  });

  it('grows metadata past the threshold even when its size would do', async () => {
    const driver = await driverOn({ layout: 'pool-only', metadataGrowthThresholdPercent: 0 });
    await driver.prepare();
    const before = await poolReport(driver.volumeGroup, driver.thinPool);
    await driver.extend(await device(256 * MIB));
    expect((await poolReport(driver.volumeGroup, driver.thinPool)).metadataBytes).toBeGreaterThanOrEqual(before.metadataBytes * 2);
  });

  it('grows xfs on a thin LV online', async () => {
    // mkfs.xfs refuses filesystems under 300 MiB.
    const driver = createLvmDriver({
      mountPoint: await environment.createMountPoint(),
      devices: [await device(512 * MIB)],
      runner,
      filesystem: 'xfs',
      volumeGroup: `growth_${process.pid}_${++counter}`,
    });
    await driver.prepare();
    await writeFile(join(driver.mountPoint, 'kept'), 'before');
    const before = (await driver.usage()).totalBytes;
    await driver.extend(await device(512 * MIB));
    expect((await driver.usage()).totalBytes).toBeGreaterThan(before + 400 * MIB);
    expect(await readFile(join(driver.mountPoint, 'kept'), 'utf8')).toBe('before');
    expect((await runner.run('findmnt', ['-n', '-o', 'FSTYPE', driver.mountPoint])).stdout.trim()).toBe('xfs');
  });
});

async function poolReport(vg: string, pool: string): Promise<{ dataBytes: number; metadataBytes: number }> {
  const { stdout } = await runner.run('lvs', ['--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_size,lv_metadata_size', `${vg}/${pool}`]);
  const row = (JSON.parse(stdout) as { report: Array<{ lv: Array<{ lv_size: string; lv_metadata_size: string }> }> }).report[0]?.lv[0];
  return { dataBytes: Number(row?.lv_size), metadataBytes: Number(row?.lv_metadata_size) };
}
