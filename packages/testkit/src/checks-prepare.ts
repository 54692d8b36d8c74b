import { join } from 'node:path';
import { expect } from 'vitest';
import { checksumTree, writeRandomFiles } from './checksum.js';
import type { CheckDefinition } from './check-definition.js';
import { expectDriverError } from './expect-driver-error.js';
import { firstMiB } from './first-mib.js';
import { makeMounted, makeNotBlank, probeUuid } from './foreign-devices.js';
import { canonical } from './suite-context.js';

/** The checks of `prepare()`, `usage()` and `devices()`. */
export const prepareChecks: CheckDefinition[] = [
  {
    name: 'usage-consistent',
    title: 'usage() reports used + available ≤ total, every gauge in [0, 100], and a bytes gauge',
    real: false,
    async run({ driver }) {
      await driver.prepare();
      const usage = await driver.usage();
      expect(usage.totalBytes).toBeGreaterThan(0);
      expect(usage.usedBytes).toBeGreaterThanOrEqual(0);
      expect(usage.availableBytes).toBeGreaterThanOrEqual(0);
      expect(usage.usedBytes + usage.availableBytes).toBeLessThanOrEqual(usage.totalBytes);
      for (const gauge of usage.gauges) {
        expect(gauge.usedPercent, gauge.kind).toBeGreaterThanOrEqual(0);
        expect(gauge.usedPercent, gauge.kind).toBeLessThanOrEqual(100);
      }
      expect(usage.gauges.map((gauge) => gauge.kind)).toContain('bytes');
    },
  },
  {
    name: 'devices-initial',
    title: 'devices() lists the initial devices after prepare()',
    real: false,
    async run({ driver, devices, environment }) {
      await driver.prepare();
      const listed = await driver.devices();
      expect(listed).toHaveLength(devices.length);
      // A simulated driver may name its own devices; real ones must be the very devices it was given.
      if (environment.kind === 'real') expect((await canonical(listed)).sort()).toEqual((await canonical(devices)).sort());
    },
  },
  {
    name: 'prepare-idempotent',
    title: 'a second prepare() changes nothing: same devices, same capacity, same filesystem UUID',
    real: false,
    async run({ driver, runner, environment }) {
      await driver.prepare();
      const devices = await driver.devices();
      const total = (await driver.usage()).totalBytes;
      const uuid = environment.kind === 'real' ? await probeUuid(runner, devices[0] ?? '') : '';
      await driver.prepare();
      expect(await driver.devices()).toEqual(devices);
      expect((await driver.usage()).totalBytes).toBe(total);
      if (environment.kind === 'real') {
        expect(uuid).not.toBe('');
        expect(await probeUuid(runner, devices[0] ?? '')).toBe(uuid);
      }
    },
  },
  {
    name: 'prepare-preserves-data',
    title: 'a second prepare() destroys nothing: files written before read back identical',
    real: true,
    async run({ driver, mountPoint }, _suite, options) {
      await driver.prepare();
      const dir = join(mountPoint, 'conformance-data');
      await writeRandomFiles(dir, options.dataFiles ?? 8, options.dataFileBytes ?? 256 * 1024);
      const before = await checksumTree(dir);
      await driver.prepare();
      expect(Object.keys(before)).toHaveLength(options.dataFiles ?? 8);
      expect(await checksumTree(dir)).toEqual(before);
    },
  },
  {
    name: 'prepare-refuses-not-blank',
    title: 'prepare() on a device with a foreign signature refuses with DEVICE_NOT_BLANK and leaves it untouched',
    real: true,
    async run(world) {
      const device = await world.newDevice();
      await makeNotBlank(world.runner, device);
      const before = await firstMiB(device);
      const driver = await world.driverOn([device]);
      await expectDriverError(driver.prepare(), 'DEVICE_NOT_BLANK');
      expect((await firstMiB(device)).equals(before)).toBe(true);
    },
  },
  {
    name: 'prepare-refuses-mounted',
    title: 'prepare() on a mounted device refuses with DEVICE_MOUNTED and leaves it untouched',
    real: true,
    async run(world) {
      const device = await world.newDevice();
      await makeMounted(world.runner, device, await world.environment.createMountPoint());
      const before = await firstMiB(device);
      const driver = await world.driverOn([device]);
      await expectDriverError(driver.prepare(), 'DEVICE_MOUNTED');
      expect((await firstMiB(device)).equals(before)).toBe(true);
    },
  },
];
