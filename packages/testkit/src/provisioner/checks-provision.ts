import { hasErrorCode } from '@ebs-autoscale/core';
import { expect } from 'vitest';
import type { ProvisionerCheckDefinition } from './options.js';

/** provision, list, release and resize: the volume's life as the autoscaler drives it. */
export const lifecycleChecks: readonly ProvisionerCheckDefinition[] = [
  {
    name: 'provision-attached-owned',
    title: 'provision() returns a volume that is attached here, owned, of the size asked, and listed with its device',
    async run({ provisioner, inspect }) {
      const volume = await provisioner.provision({ sizeGiB: 2 });
      expect(volume.sizeGiB).toBe(2);
      expect(volume.device).toMatch(/^\//);
      expect(await inspect(volume.volumeId)).toMatchObject({ state: 'in-use', sizeGiB: 2, attachedHere: true, ownedByProvisioner: true });
      expect(await provisioner.list()).toContainEqual(
        expect.objectContaining({ volumeId: volume.volumeId, sizeGiB: 2, state: 'in-use', device: volume.device }),
      );
    },
  },
  {
    name: 'provision-delete-on-termination',
    title: 'provision() has set DeleteOnTermination before it returns, so no volume outlives the instance',
    async run({ provisioner, inspect }) {
      const volume = await provisioner.provision({ sizeGiB: 1 });
      expect((await inspect(volume.volumeId))?.deleteOnTermination).toBe(true);
      expect((await provisioner.list()).find((listed) => listed.volumeId === volume.volumeId)?.deleteOnTermination).toBe(true);
    },
  },
  {
    name: 'provision-idempotent',
    title: 'a create whose answer was lost and is retried makes one volume, not two',
    async run(world) {
      if (!world.loseNextCreateAnswer) throw new Error('this world cannot lose an answer: skip provision-idempotent with a reason');
      world.loseNextCreateAnswer();
      const volume = await world.provisioner.provision({ sizeGiB: 1 });
      expect((await world.provisioner.list()).map((listed) => listed.volumeId)).toEqual([volume.volumeId]);
    },
  },
  {
    name: 'list-owned-only',
    title: 'list() reports the volumes of this mount point and none of another',
    async run({ provisioner, plantForeign }) {
      const foreign = await plantForeign();
      const volume = await provisioner.provision({ sizeGiB: 1 });
      const ids = (await provisioner.list()).map((listed) => listed.volumeId);
      expect(ids).toContain(volume.volumeId);
      expect(ids).not.toContain(foreign);
    },
  },
  {
    name: 'release',
    title: 'release() detaches and deletes the volume, and list() no longer reports it',
    async run({ provisioner, inspect }) {
      const volume = await provisioner.provision({ sizeGiB: 1 });
      await provisioner.release(volume.volumeId);
      expect(await inspect(volume.volumeId)).toBeUndefined();
      expect((await provisioner.list()).map((listed) => listed.volumeId)).not.toContain(volume.volumeId);
    },
  },
  {
    name: 'release-gone-volume',
    title: 'release() of a volume that is already gone resolves, so a release interrupted after its delete can be run again',
    async run({ provisioner, inspect }) {
      const volume = await provisioner.provision({ sizeGiB: 1 });
      await provisioner.release(volume.volumeId);
      await provisioner.release(volume.volumeId);
      expect(await inspect(volume.volumeId)).toBeUndefined();
    },
  },
  {
    name: 'release-refuses-foreign',
    title: "release() refuses another mount point's volume and leaves it as it was",
    async run({ provisioner, plantForeign, inspect }) {
      const foreign = await plantForeign();
      const before = await inspect(foreign);
      const error = await provisioner.release(foreign).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error, 'release() of a foreign volume must reject').toBeInstanceOf(Error);
      expect(await inspect(foreign)).toEqual(before);
    },
  },
  {
    name: 'resize',
    title: 'resize() grows the volume and list() reports the new size; a smaller size is refused with INVALID_ARGUMENT',
    async run({ provisioner, inspect }) {
      if (!provisioner.resize) throw new Error('this provisioner has no resize(): skip resize with a reason');
      const volume = await provisioner.provision({ sizeGiB: 2 });
      await provisioner.resize(volume.volumeId, 3);
      expect((await inspect(volume.volumeId))?.sizeGiB).toBe(3);
      expect((await provisioner.list()).find((listed) => listed.volumeId === volume.volumeId)?.sizeGiB).toBe(3);
      const error = await provisioner.resize(volume.volumeId, 1).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(hasErrorCode(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
    },
  },
  {
    name: 'resize-rate-limit',
    title: "resize() meets the cloud's modification limit with LIMIT_REACHED, retryable, and the volume keeps the last size accepted",
    async run({ provisioner, inspect }) {
      if (!provisioner.resize) throw new Error('this provisioner has no resize(): skip resize-rate-limit with a reason');
      const volume = await provisioner.provision({ sizeGiB: 1 });
      let accepted = 1;
      let refusal: unknown;
      for (let size = 2; size <= 8 && refusal === undefined; size += 1) {
        refusal = await provisioner.resize(volume.volumeId, size).then(
          () => void (accepted = size),
          (thrown: unknown) => thrown,
        );
      }
      expect(hasErrorCode(refusal, 'LIMIT_REACHED'), `expected LIMIT_REACHED within 7 resizes, got ${String(refusal)}`).toBe(true);
      expect((refusal as { retryable?: boolean }).retryable).toBe(true);
      expect((await inspect(volume.volumeId))?.sizeGiB).toBe(accepted);
    },
  },
];
