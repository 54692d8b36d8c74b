import { expect } from 'vitest';
import type { CheckDefinition } from './check-definition.js';

/**
 * The checks of `holdsDevice()`, the answer a volume's release hangs on: a `false` for a member lets
 * the provisioner delete the filesystem's data (issue 12), and "cannot tell" must never read as `false`.
 */
export const holdsChecks: CheckDefinition[] = [
  {
    name: 'holds-device',
    title: 'holdsDevice() is true for every device of the filesystem, false for a blank one, and throws for one it cannot see',
    real: false,
    async run(world) {
      await world.driver.prepare();
      for (const device of await world.driver.devices()) expect(await world.driver.holdsDevice(device), `holdsDevice(${device}), a member`).toBe(true);
      const blank = await world.newDevice();
      expect(await world.driver.holdsDevice(blank), `holdsDevice(${blank}), a blank device`).toBe(false);
      await expect(world.driver.holdsDevice('/nonexistent/ebs-autoscale-conformance'), 'holdsDevice() of a path that is no device').rejects.toThrow();
      // A driver without extend() cannot add devices: the rest is for those that can.
      const { extend } = world.driver;
      if (!extend) return;
      await extend.call(world.driver, blank);
      expect(await world.driver.holdsDevice(blank), `holdsDevice(${blank}) after extend()`).toBe(true);
    },
  },
];
