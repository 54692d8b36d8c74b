import { expect } from 'vitest';
import type { ProvisionerCheckDefinition } from './options.js';

/** reconcile(): what a crash left behind is repaired, and nothing else is touched. */
export const reconcileChecks: readonly ProvisionerCheckDefinition[] = [
  {
    name: 'reconcile-deletes-orphan',
    title: 'with orphans: delete, reconcile() deletes an owned volume that a crash left unattached',
    world: { orphans: 'delete' },
    async run({ provisioner, plantOwned, inspect }) {
      const orphan = await plantOwned('unattached');
      const report = await provisioner.reconcile!();
      expect(report.deleted).toContain(orphan);
      expect(await inspect(orphan)).toBeUndefined();
    },
  },
  {
    name: 'reconcile-attaches-orphan',
    title: 'with orphans: attach, reconcile() attaches it here instead, and lists it with a device',
    world: { orphans: 'attach' },
    async run({ provisioner, plantOwned, inspect }) {
      const orphan = await plantOwned('unattached');
      const report = await provisioner.reconcile!();
      expect(report.attached).toContain(orphan);
      expect(await inspect(orphan)).toMatchObject({ attachedHere: true });
      expect((await provisioner.list()).find((listed) => listed.volumeId === orphan)?.device).toMatch(/^\//);
    },
  },
  {
    name: 'reconcile-repairs-delete-on-termination',
    title: 'reconcile() sets DeleteOnTermination on an owned attachment that lacks it',
    async run({ provisioner, plantOwned, inspect }) {
      const volume = await plantOwned('attached-without-delete-on-termination');
      const report = await provisioner.reconcile!();
      expect(report.deleteOnTerminationSet).toContain(volume);
      expect((await inspect(volume))?.deleteOnTermination).toBe(true);
    },
  },
  {
    name: 'reconcile-leaves-foreign',
    title: "reconcile() leaves another mount point's volumes as they are, under both orphan modes",
    world: { orphans: 'attach' },
    async run({ provisioner, plantForeign, inspect }) {
      const foreign = await plantForeign();
      const before = await inspect(foreign);
      const report = await provisioner.reconcile!();
      expect([...report.attached, ...report.deleted, ...report.deleteOnTerminationSet]).not.toContain(foreign);
      expect(await inspect(foreign)).toEqual(before);
    },
  },
];
