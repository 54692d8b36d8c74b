import { join } from 'node:path';
import type { FilesystemDriver } from '@ebs-autoscale/core';
import { expect } from 'vitest';
import { checksumTree, writeRandomFiles } from './checksum.js';
import type { CheckDefinition } from './check-definition.js';
import { expectDriverError } from './expect-driver-error.js';
import { canonical, type SuiteWorld } from './suite-context.js';

/** The driver's `removeDevice()`, bound; the checks that call it run only on a driver that has it (see `appliesTo`). */
function removeOf(driver: FilesystemDriver): (device: string) => Promise<void> {
  const { removeDevice } = driver;
  if (!removeDevice) throw new Error(`the ${driver.name} driver has no removeDevice(): this check should not have run`);
  return (device) => removeDevice.call(driver, device);
}

/** Why a removal check does not apply: the driver cannot shrink online (or cannot add what it would remove). */
const removesDevices = (driver: FilesystemDriver): string | undefined => {
  if (!driver.removeDevice) return `the ${driver.name} driver has no removeDevice(): it does not shrink online (remove-cannot-shrink checks it instead)`;
  return driver.extend ? undefined : `the ${driver.name} driver has removeDevice() but no extend(): there is no added device to remove`;
};

/** Prepares the driver and adds `count` new devices with `extend()`; returns them. */
async function withAddedDevices(world: SuiteWorld, count: number): Promise<string[]> {
  await world.driver.prepare();
  const { extend } = world.driver;
  if (!extend) throw new Error(`the ${world.driver.name} driver has no extend(): this check should not have run`);
  const added: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const device = await world.newDevice();
    await extend.call(world.driver, device);
    added.push(device);
  }
  return added;
}

/** The checks of `removeDevice()`, for drivers that shrink online. */
export const removeChecks: CheckDefinition[] = [
  {
    name: 'remove-restores-capacity',
    title: 'removeDevice() of an added device gives its capacity back, keeps every file, and lets go of the device',
    real: true,
    appliesTo: removesDevices,
    async run(world, _suite, options) {
      await world.driver.prepare();
      const before = (await world.driver.usage()).totalBytes;
      const members = (await canonical(await world.driver.devices())).sort();
      const [added = ''] = await withAddedDevices(world, 1);
      const dir = join(world.mountPoint, 'conformance-data');
      await writeRandomFiles(dir, options.dataFiles ?? 8, options.dataFileBytes ?? 256 * 1024);
      const written = await checksumTree(dir);
      await removeOf(world.driver)(added);
      expect((await world.driver.usage()).totalBytes).toBe(before);
      expect((await canonical(await world.driver.devices())).sort()).toEqual(members);
      expect(await world.driver.holdsDevice(added), 'a removed device must be releasable').toBe(false);
      expect(await checksumTree(dir)).toEqual(written);
    },
  },
  {
    name: 'remove-refuses-initial',
    title: 'removeDevice() of an initial device refuses with INVALID_ARGUMENT and changes nothing',
    real: true,
    appliesTo: removesDevices,
    async run(world) {
      await withAddedDevices(world, 1);
      const members = await world.driver.devices();
      await expectDriverError(removeOf(world.driver)(world.devices[0] ?? ''), 'INVALID_ARGUMENT');
      expect(await world.driver.devices()).toEqual(members);
    },
  },
  {
    name: 'remove-refuses-non-member',
    title: 'removeDevice() of a device the filesystem does not have refuses with DEVICE_NOT_FOUND',
    real: true,
    appliesTo: removesDevices,
    async run(world) {
      await world.driver.prepare();
      const members = await world.driver.devices();
      await expectDriverError(removeOf(world.driver)(await world.newDevice()), 'DEVICE_NOT_FOUND');
      expect(await world.driver.devices()).toEqual(members);
    },
  },
  {
    name: 'remove-one-at-a-time',
    title: 'a second removeDevice() while one runs refuses with DEVICE_IN_USE; the first completes',
    real: true,
    appliesTo: removesDevices,
    async run(world) {
      const [first = '', second = ''] = await withAddedDevices(world, 2);
      const remove = removeOf(world.driver);
      const running = remove(first);
      await expectDriverError(remove(second), 'DEVICE_IN_USE');
      await running;
      expect((await canonical(await world.driver.devices())).sort()).toEqual((await canonical([...world.devices, second])).sort());
    },
  },
];

/** The one removal check for drivers that cannot shrink online. */
export const cannotShrinkChecks: CheckDefinition[] = [
  {
    name: 'remove-cannot-shrink',
    title: 'a driver that cannot shrink online has no removeDevice(), rather than one that throws',
    real: false,
    appliesTo: (driver) => (driver.removeDevice ? `the ${driver.name} driver has removeDevice(): the remove-* checks check it` : undefined),
    async run(world) {
      await world.driver.prepare();
      expect(world.driver.removeDevice, 'a driver that cannot shrink leaves removeDevice() out rather than throwing from it').toBeUndefined();
    },
  },
];
