// Issue 12 against the simulator (real SDK over HTTP): reconcile never deletes an attached volume,
// DEVICE_NOT_FOUND says what its clean-up did, and a device node that cannot be opened yet is waited for.
import { execFileSync } from 'node:child_process';
import { mkdir, open, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hasErrorCode } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { liveVolumes, startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('[ebs-autoscale/provisioner-ebs] SKIPPING the late-device test: mknod of a block device node needs root');

describe('reconcile and release safety (issue 12)', () => {
  it('reconcile() never deletes an attached volume of ours, even when its device cannot be seen', async () => {
    harness = await startHarness({ provisioner: { orphans: 'delete' } });
    const { sim, provisioner } = harness;
    const a = await provisioner.provision({ sizeGiB: 2 });
    const b = await provisioner.provision({ sizeGiB: 3 });
    // The host's /dev loses the nodes (a container's own /dev, udev lagging at boot): EC2 still says in-use.
    await rm(a.device, { force: true });
    await rm(b.device, { force: true });
    expect((await provisioner.list()).filter((volume) => volume.device !== undefined)).toEqual([]);
    expect(await provisioner.reconcile()).toEqual({ attached: [], deleted: [], deleteOnTerminationSet: [] });
    expect(sim.stats().calls.DeleteVolume ?? 0).toBe(0);
    expect(
      liveVolumes(sim)
        .map((volume) => [volume.volumeId, volume.state])
        .sort(),
    ).toEqual(
      [
        [a.volumeId, 'in-use'],
        [b.volumeId, 'in-use'],
      ].sort(),
    );
  });

  it('DEVICE_NOT_FOUND says the volume was deleted when its clean-up deleted it', async () => {
    harness = await startHarness({ fakeKernel: false });
    const { sim, provisioner } = harness;
    const error = await provisioner.provision({ sizeGiB: 5 }).catch((thrown: unknown) => thrown);
    expect(hasErrorCode(error, 'DEVICE_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('The volume was detached and deleted.');
    expect(liveVolumes(sim)).toEqual([]);
  });

  it('DEVICE_NOT_FOUND says the volume is still there, with its id to delete by hand, when its clean-up failed', async () => {
    harness = await startHarness({ fakeKernel: false });
    const { sim, provisioner } = harness;
    sim.faults.deny('DeleteVolume');
    const error = await provisioner.provision({ sizeGiB: 5 }).catch((thrown: unknown) => thrown);
    expect(hasErrorCode(error, 'DEVICE_NOT_FOUND')).toBe(true);
    const [left] = liveVolumes(sim);
    expect(left?.volumeId).toMatch(/^vol-/);
    const message = (error as Error).message;
    expect(message).not.toContain('was detached and deleted');
    expect(message).toContain(`${left!.volumeId} still exists`);
    expect(message).toContain(`aws ec2 delete-volume --volume-id ${left!.volumeId}`);
  });

  it.skipIf(!isRoot)('a device node that exists but cannot be opened yet (ENXIO) is waited for, not reported', async () => {
    harness = await startHarness({ fakeKernel: false });
    const { sim, provisioner, devRoot } = harness;
    const node = join(devRoot, 'nvme7n1');
    let openableAt: number | undefined;
    provisioner.on('volume:attached', ({ volumeId }) => {
      void (async () => {
        // udev's order: the node and its by-id link first, the device behind it a moment later. Major
        // 241 is reserved for local use and has no driver here, so opening the node fails with ENXIO.
        execFileSync('mknod', [node, 'b', '241', '0']);
        const byId = join(devRoot, 'disk', 'by-id');
        await mkdir(byId, { recursive: true });
        await symlink(node, join(byId, `nvme-Amazon_Elastic_Block_Store_${volumeId.replace('-', '')}`));
        await new Promise((resolve) => setTimeout(resolve, 150));
        await rm(node);
        await writeFile(node, '');
        openableAt = Date.now();
      })();
    });
    const volume = await provisioner.provision({ sizeGiB: 2 });
    expect(volume.device).toBe(node);
    expect(openableAt, 'provision() returned the device before it could be opened').toBeDefined();
    await (await open(volume.device, 'r')).close();
    expect(sim.stats().calls.CreateVolume).toBe(1);
  });
});
