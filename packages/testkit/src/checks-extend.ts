import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilesystemDriver } from '@ebs-autoscale/core';
import { expect } from 'vitest';
import { checksumTree, writeRandomFiles } from './checksum.js';
import type { CheckDefinition } from './check-definition.js';
import { expectDriverError } from './expect-driver-error.js';
import { firstMiB } from './first-mib.js';
import { makeMounted, makeNotBlank } from './foreign-devices.js';
import { canonical, type SuiteWorld } from './suite-context.js';

/** The driver's `extend()`, bound; the checks that call it run only on a driver that has it (see `appliesTo`). */
function extendOf(driver: FilesystemDriver): (device: string) => Promise<void> {
  const { extend } = driver;
  if (!extend) throw new Error(`the ${driver.name} driver has no extend(): this check should not have run`);
  return (device) => extend.call(driver, device);
}

async function prepared(driver: FilesystemDriver): Promise<(device: string) => Promise<void>> {
  await driver.prepare();
  return extendOf(driver);
}

/** Why an extend check does not apply: the driver does not add devices. */
const addsDevices = (driver: FilesystemDriver): string | undefined =>
  driver.extend ? undefined : `the ${driver.name} driver has no extend(): it does not add devices (extend-cannot-grow checks it instead)`;

/** Runs a refused extend on `device` and checks that neither the device nor the filesystem changed. */
async function expectRefusal(world: SuiteWorld, device: string, code: Parameters<typeof expectDriverError>[1]): Promise<void> {
  const before = await firstMiB(device);
  const members = await world.driver.devices();
  await expectDriverError(extendOf(world.driver)(device), code);
  expect((await firstMiB(device)).equals(before), `extend(${device}) wrote to the device it refused`).toBe(true);
  expect(await world.driver.devices()).toEqual(members);
}

/** The checks of `extend()` for drivers that add devices. */
export const extendChecks: CheckDefinition[] = [
  {
    name: 'extend-raises-capacity',
    title: 'extend() raises capacity by about the added size and lists the new device',
    real: false,
    appliesTo: addsDevices,
    async run(world, suite, options) {
      const extend = await prepared(world.driver);
      const before = (await world.driver.usage()).totalBytes;
      const device = await world.newDevice();
      await extend(device);
      const gained = (await world.driver.usage()).totalBytes - before;
      const tolerance = (options.extendTolerance ?? 0.25) * suite.deviceBytes;
      expect(gained).toBeGreaterThanOrEqual(suite.deviceBytes - tolerance);
      expect(gained).toBeLessThanOrEqual(suite.deviceBytes + tolerance);
      const listed = await world.driver.devices();
      if (world.environment.kind === 'real') expect(await canonical(listed)).toContain((await canonical([device]))[0]);
      else expect(listed).toContain(device);
    },
  },
  {
    name: 'extend-preserves-data',
    title: 'files written before extend() read back identical after it, and new files fit',
    real: true,
    appliesTo: addsDevices,
    async run(world, suite, options) {
      const extend = await prepared(world.driver);
      const dir = join(world.mountPoint, 'conformance-data');
      await writeRandomFiles(dir, options.dataFiles ?? 8, options.dataFileBytes ?? 256 * 1024);
      const before = await checksumTree(dir);
      await extend(await world.newDevice());
      expect(await checksumTree(dir)).toEqual(before);
      await writeRandomFiles(join(world.mountPoint, 'after-extend'), 2, options.dataFileBytes ?? 256 * 1024);
      expect(Object.keys(await checksumTree(world.mountPoint))).toHaveLength(Object.keys(before).length + 2);
    },
  },
  {
    name: 'extend-refuses-missing',
    title: 'extend() of a path that is not a block device refuses with NOT_A_BLOCK_DEVICE',
    real: false,
    appliesTo: addsDevices,
    async run(world) {
      const extend = await prepared(world.driver);
      const members = await world.driver.devices();
      await expectDriverError(extend('/nonexistent/ebs-autoscale-conformance'), 'NOT_A_BLOCK_DEVICE');
      if (world.environment.kind === 'real') {
        // A regular file is the classic mistake (an image instead of its loop device).
        const file = join(await world.environment.createMountPoint(), 'not-a-device.img');
        await writeFile(file, Buffer.alloc(4096));
        await expectDriverError(extend(file), 'NOT_A_BLOCK_DEVICE');
      }
      expect(await world.driver.devices()).toEqual(members);
    },
  },
  {
    name: 'extend-refuses-not-blank',
    title: 'extend() of a device with a foreign signature refuses with DEVICE_NOT_BLANK and touches nothing',
    real: true,
    appliesTo: addsDevices,
    async run(world) {
      await prepared(world.driver);
      const device = await world.newDevice();
      await makeNotBlank(world.runner, device);
      await expectRefusal(world, device, 'DEVICE_NOT_BLANK');
    },
  },
  {
    name: 'extend-refuses-mounted',
    title: 'extend() of a mounted device refuses with DEVICE_MOUNTED and touches nothing',
    real: true,
    appliesTo: addsDevices,
    async run(world) {
      await prepared(world.driver);
      const device = await world.newDevice();
      await makeMounted(world.runner, device, await world.environment.createMountPoint());
      await expectRefusal(world, device, 'DEVICE_MOUNTED');
    },
  },
  {
    name: 'extend-refuses-member',
    title: 'extend() of a device already in the filesystem refuses with DEVICE_IN_USE',
    real: false,
    appliesTo: addsDevices,
    async run(world) {
      const extend = await prepared(world.driver);
      const members = await world.driver.devices();
      const member = members[0] ?? '';
      if (world.environment.kind === 'real') {
        // The member is mounted: flush first, so only a write by extend() itself could change its first MiB.
        await world.runner.run('sync', []);
        await expectRefusal(world, member, 'DEVICE_IN_USE');
        return;
      }
      await expectDriverError(extend(member), 'DEVICE_IN_USE');
      expect(await world.driver.devices()).toEqual(members);
    },
  },
];

/** The one extend check for drivers that cannot add devices. */
export const cannotGrowChecks: CheckDefinition[] = [
  {
    name: 'extend-cannot-grow',
    title: 'a driver that cannot add devices has no extend() (and no flag beside it), and stays on its initial devices',
    real: false,
    appliesTo: (driver) => (driver.extend ? `the ${driver.name} driver has extend(): the extend-* checks check it` : undefined),
    async run(world) {
      await world.driver.prepare();
      expect(world.driver.extend, 'a driver that cannot add devices leaves extend() out rather than throwing from it').toBeUndefined();
      expect('capabilities' in world.driver, 'what a driver can do is said by its methods alone: no `capabilities` flag').toBe(false);
      const members = await world.driver.devices();
      const device = await world.newDevice();
      expect(await world.driver.holdsDevice(device)).toBe(false);
      expect(await world.driver.devices()).toEqual(members);
    },
  },
];
