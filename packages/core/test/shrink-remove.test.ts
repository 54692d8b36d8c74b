// One shrink (issue 17): the driver removes the device, and the volume is released only when the
// kernel's view says the filesystem left it; on the in-memory cloud.
import { describe, expect, it } from 'vitest';
import { DriverError, GIB, hasErrorCode, type KeptVolume } from '../src/index.js';
import { Inventory } from '../src/inventory.js';
import { removeAndRelease, shrinkCandidate } from '../src/shrink/remove-device.js';
import { InMemoryProvisioner, MemoryHost } from '../src/testing.js';
import { ShrinkableDriver } from './shrinkable-driver.js';

async function world() {
  const host = new MemoryHost();
  const driver = new ShrinkableDriver(host);
  const provisioner = new InMemoryProvisioner({ host });
  const added = await provisioner.provision({ sizeGiB: 20 });
  await driver.extend(added.device);
  const inventory = new Inventory();
  inventory.devices = await driver.devices();
  inventory.volumes = await provisioner.list();
  const kept: KeptVolume[] = [];
  const context = { driver, provisioner, inventory, keep: (volume: KeptVolume) => kept.push(volume) };
  return {
    driver,
    provisioner,
    inventory,
    added,
    kept,
    context,
    remove: (device: string, options: { signal?: AbortSignal }) => driver.removeDevice(device, options),
  };
}

describe('shrinkCandidate', () => {
  it('is the newest owned volume under a filesystem of two or more devices, sized from the volume', async () => {
    const { inventory, added } = await world();
    expect(shrinkCandidate(inventory)).toEqual({ volumeId: added.volumeId, device: added.device, sizeBytes: 20 * GIB });
    // The loop-backed simulator's GiB is smaller: a shrink must count what the filesystem really loses.
    expect(shrinkCandidate(inventory, 128 * 1024 * 1024)?.sizeBytes).toBe(20 * 128 * 1024 * 1024);
    inventory.devices = inventory.devices.slice(0, 1);
    expect(shrinkCandidate(inventory), 'one device left: nothing to give back').toBeUndefined();
  });
});

describe('removeAndRelease', () => {
  it('removes the device, releases its volume, and forgets it', async () => {
    const { driver, provisioner, inventory, added, context, remove } = await world();
    expect(await removeAndRelease(context, shrinkCandidate(inventory)!, remove)).toBe('released');
    expect(await driver.devices()).not.toContain(added.device);
    expect(provisioner.inspect(added.volumeId), 'deleted in the cloud').toBeUndefined();
    expect(inventory.volumes.map((volume) => volume.volumeId)).not.toContain(added.volumeId);
    expect(inventory.devices).not.toContain(added.device);
  });

  it('keeps the volume, and says so, when the filesystem still looks as if it lived on it', async () => {
    const { driver, provisioner, inventory, added, kept, context, remove } = await world();
    driver.lingers = true;
    expect(await removeAndRelease(context, shrinkCandidate(inventory)!, remove)).toBe('kept');
    expect(provisioner.inspect(added.volumeId)).toBeDefined();
    expect(kept.map((volume) => volume.volumeId)).toEqual([added.volumeId]);
  });

  it('releases nothing, and says cancelled, when the removal is cancelled through its signal', async () => {
    const { driver, provisioner, inventory, added, context, remove } = await world();
    const controller = new AbortController();
    controller.abort();
    expect(await removeAndRelease(context, shrinkCandidate(inventory)!, remove, controller.signal)).toBe('cancelled');
    expect(await driver.devices()).toContain(added.device);
    expect(provisioner.calls.release).toBe(0);
  });

  it('releases nothing when the removal fails', async () => {
    const { driver, provisioner, inventory, added, context, remove } = await world();
    driver.removeFailure = new DriverError('shrinkable', 'DEVICE_IN_USE', 'busy.', { retryable: true });
    expect(hasErrorCode(await removeAndRelease(context, shrinkCandidate(inventory)!, remove).catch((error: unknown) => error), 'DEVICE_IN_USE')).toBe(true);
    expect(provisioner.inspect(added.volumeId)).toBeDefined();
    expect(provisioner.calls.release).toBe(0);
  });
});
