import { afterEach, describe, it } from 'vitest';
import { warnSkip } from '../root.js';
import { errorChecks } from './checks-errors.js';
import { lifecycleChecks } from './checks-provision.js';
import { reconcileChecks } from './checks-reconcile.js';
import type { ProvisionerCheckDefinition, ProvisionerConformanceOptions, ProvisionerWorld } from './options.js';

/**
 * Registers the volume-provisioner contract as vitest tests, the twin of the driver suite. Every check
 * gets a fresh world from `createWorld` and closes it afterwards, also when it fails. `skip` leaves out
 * a check with a reason, which is printed; a provisioner without `reconcile()` has the reconcile
 * checks skipped with that reason.
 *
 * @example
 * ```ts
 * import { runProvisionerConformance } from '@ebs-autoscale/testkit';
 *
 * runProvisionerConformance({
 *   name: 'ebs on ec2-sim',
 *   createWorld: ({ orphans, maxOwnedVolumes }) => startEbsWorld({ orphans, maxOwnedVolumes }),
 * });
 * ```
 */
export function runProvisionerConformance(options: ProvisionerConformanceOptions): void {
  describe(`${options.name}: VolumeProvisioner conformance`, () => {
    let world: ProvisionerWorld | undefined;
    afterEach(async () => {
      await world?.close();
      world = undefined;
    });

    const register = (check: ProvisionerCheckDefinition, reason?: string): void => {
      const skipped = options.skip?.[check.name] ?? reason;
      if (skipped !== undefined) {
        warnSkip(`${options.name} provisioner check "${check.name}"`, skipped);
        it.skip(`${check.name}: ${check.title} (skipped: ${skipped})`, () => {});
        return;
      }
      it(`${check.name}: ${check.title}`, { timeout: options.timeoutMs ?? 60_000 }, async () => {
        world = await options.createWorld(check.world ?? { orphans: 'delete' });
        if (check.name.startsWith('reconcile-') && !world.provisioner.reconcile) {
          throw new Error(`${options.name} has no reconcile(): skip the reconcile checks with a reason`);
        }
        await check.run(world);
      });
    };

    describe('provision, list, release, resize', () => lifecycleChecks.forEach((check) => register(check)));
    describe('reconcile', () => reconcileChecks.forEach((check) => register(check)));
    describe('errors', () => errorChecks.forEach((check) => register(check)));
  });
}
