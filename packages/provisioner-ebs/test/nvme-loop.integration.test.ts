import { stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { liveVolumes, startHarness, type Harness } from './harness.js';

// The loop backing turns an attached volume into a real loop device exposed like a Nitro NVMe disk
// (serial file, by-id link). It needs root for losetup; CI runs as root.
const canRun = process.getuid?.() === 0;
if (!canRun) console.warn('[provisioner-ebs] SKIPPING the NVMe discovery test on real loop devices: it needs root (losetup).');

let harness: Harness | undefined;
afterEach(async () => {
  // sim.close() detaches every loop device the simulator created, even when the test failed.
  await harness?.close();
  harness = undefined;
});

describe.skipIf(!canRun)('NVMe discovery on real devices (loop backing)', () => {
  it('finds the controller whose serial is the volume id and resolves it to the real block device', async () => {
    harness = await startHarness({ sim: { backing: 'loop', bytesPerGiB: 16 * 1024 * 1024 }, fakeKernel: false });
    const { sim, provisioner } = harness;
    const volume = await provisioner.provision({ sizeGiB: 2 });
    const view = sim.volume(volume.volumeId);
    expect(view?.loopDevice).toMatch(/^\/dev\/loop\d+$/);
    expect(volume.device).toBe(view?.loopDevice);
    expect((await stat(volume.device)).isBlockDevice()).toBe(true);
    expect(await provisioner.list()).toEqual([expect.objectContaining({ volumeId: volume.volumeId, device: volume.device })]);
    await provisioner.release(volume.volumeId);
    await sim.settled();
    expect(liveVolumes(sim)).toEqual([]);
  });
});
