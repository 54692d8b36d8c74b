import { createExecaRunner } from '@ebs-autoscale/core';
import { afterEach, describe, it } from 'vitest';
import { cannotGrowChecks, extendChecks } from './checks-extend.js';
import { holdsChecks } from './checks-holds.js';
import { prepareChecks } from './checks-prepare.js';
import { cannotShrinkChecks, removeChecks } from './checks-remove.js';
import type { CheckDefinition } from './check-definition.js';
import type { DriverConformanceOptions } from './options.js';
import { createLoopEnvironment } from './loop-device-factory.js';
import { canUseLoopDevices, warnSkip } from './root.js';
import { SuiteContext } from './suite-context.js';

// mkfs, mount and device add on loop devices take a few seconds on a loaded 2-core runner; a driver's
// own vitest config may have the 5 s default, so the suite sets its own.
const CHECK_TIMEOUT_MS = 120_000;

/**
 * Registers the filesystem-driver contract as vitest tests. Call it at the top level of a test file:
 * every check builds the driver with `createDriver` on fresh blank loop devices, runs, and cleans up
 * (unmounts, detaches its own loop devices) even when it fails. Without root the real-device checks skip
 * with a printed warning; `skip` leaves out a check with a reason, which is printed too.
 *
 * @example
 * ```ts
 * import { runDriverConformance } from '@ebs-autoscale/testkit';
 * import { createBtrfsDriver } from '../src/index.js';
 *
 * runDriverConformance({
 *   name: 'btrfs',
 *   deviceSizeBytes: 256 * 1024 * 1024,
 *   createDriver: ({ mountPoint, devices, runner }) => createBtrfsDriver({ mountPoint, devices, runner }),
 * });
 * ```
 */
export function runDriverConformance(options: DriverConformanceOptions): void {
  const runner = options.runner ?? createExecaRunner();
  const makeEnvironment = options.environment ?? (() => createLoopEnvironment({ runner }));
  // Creating an environment has no side effect until a device is made, so probing its kind is free.
  const kind = makeEnvironment().kind;
  const canRun = kind === 'simulated' || canUseLoopDevices();
  const title = `${options.name}: FilesystemDriver conformance`;
  if (!canRun) warnSkip(title, 'needs root and loop devices (CI runs it as root)');

  describe.skipIf(!canRun)(title, () => {
    const suite = new SuiteContext(options, makeEnvironment, runner);
    afterEach(() => suite.teardown());

    const register = (check: CheckDefinition): void => {
      const reason = options.skip?.[check.name] ?? (check.real && kind !== 'real' ? 'needs real block devices' : undefined);
      if (reason !== undefined) {
        warnSkip(`${options.name} conformance check "${check.name}"`, reason);
        it.skip(`${check.name}: ${check.title} (skipped: ${reason})`, () => {});
        return;
      }
      it(`${check.name}: ${check.title}`, { timeout: CHECK_TIMEOUT_MS }, async (context) => {
        const world = await suite.world();
        // What the driver can do is known only once it is built, so this skip is decided here.
        const unmet = check.appliesTo?.(world.driver);
        if (unmet !== undefined) {
          warnSkip(`${options.name} conformance check "${check.name}"`, unmet);
          context.skip(unmet);
          return;
        }
        await check.run(world, suite, options);
      });
    };

    describe('prepare and usage', () => prepareChecks.forEach(register));
    // Both sets are registered; each check applies only to a driver with (or without) extend().
    describe('extend', () => [...extendChecks, ...cannotGrowChecks].forEach(register));
    describe('holdsDevice', () => holdsChecks.forEach(register));
    // Likewise for removeDevice(): the remove-* checks, or the one that says the driver cannot shrink.
    describe('removeDevice', () => [...removeChecks, ...cannotShrinkChecks].forEach(register));
  });
}
