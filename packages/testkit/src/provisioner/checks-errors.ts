import { hasErrorCode, ProvisionerError } from '@ebs-autoscale/core';
import { expect } from 'vitest';
import type { ProvisionerCheckDefinition } from './options.js';

/** The cloud's errors, translated at the boundary into our typed errors, with nothing left behind. */
export const errorChecks: readonly ProvisionerCheckDefinition[] = [
  {
    name: 'error-not-found',
    title: 'resize() of a volume the cloud does not know is a ProvisionerError with INVALID_ARGUMENT that names it',
    async run({ provisioner }) {
      if (!provisioner.resize) throw new Error('this provisioner has no resize(): skip error-not-found with a reason');
      const missing = 'vol-0123456789abcdef0';
      const error = await provisioner.resize(missing, 10).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ProvisionerError);
      expect(hasErrorCode(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
      expect((error as Error).message).toContain(missing);
    },
  },
  {
    name: 'error-incorrect-state',
    title: 'an attach the cloud refuses fails provision() with a ProvisionerError, and the volume it created is gone',
    async run({ provisioner, failNextAttach }) {
      failNextAttach();
      const error = await provisioner.provision({ sizeGiB: 1 }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ProvisionerError);
      expect(await provisioner.list()).toEqual([]);
    },
  },
  {
    name: 'error-limit',
    title: 'a provision past the limits is LIMIT_REACHED, naming the limit, before any state-changing call',
    world: { orphans: 'delete', maxOwnedVolumes: 1 },
    async run({ provisioner, mutatingCalls }) {
      await provisioner.provision({ sizeGiB: 1 });
      const before = await mutatingCalls();
      const error = await provisioner.provision({ sizeGiB: 1 }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(hasErrorCode(error, 'LIMIT_REACHED'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/maxOwnedVolumes/);
      expect(await mutatingCalls()).toBe(before);
      expect(await provisioner.list()).toHaveLength(1);
    },
  },
];
