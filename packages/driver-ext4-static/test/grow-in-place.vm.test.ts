// Online ext4 resize for real. Excluded from host runs (`*.vm.test.ts`): resize2fs on a mounted ext4
// needs CAP_SYS_RESOURCE, which the development host's container lacks; the VM harness (`pnpm test:vm`)
// runs this as real root. The host test checks the command instead (ext4-static.test.ts).
import { createExecaRunner } from '@ebs-autoscale/core';
import { LoopDeviceFactory, requireRootOrWarn, writeRandomFiles, checksumTree } from '@ebs-autoscale/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createExt4StaticDriver } from '../src/index.js';
import { growLoopDevice } from './helpers/grow-loop-device.js';

const MIB = 1024 * 1024;
const runner = createExecaRunner();

describe.skipIf(!requireRootOrWarn('ext4 online resize (VM)'))('ext4-static growInPlace, online', () => {
  const loops = new LoopDeviceFactory();
  afterEach(() => loops.cleanup());

  it('grows the mounted filesystem after its device grew, keeping the data', async () => {
    const mountPoint = await loops.mountPoint();
    const device = await loops.create(256 * MIB);
    const driver = createExt4StaticDriver({ mountPoint, device });
    await driver.prepare();
    await writeRandomFiles(mountPoint + '/data', 4, MIB);
    const sums = await checksumTree(mountPoint + '/data');
    const before = (await driver.usage()).totalBytes;

    await growLoopDevice(runner, device, 512 * MIB);

    await driver.growInPlace();
    expect((await driver.usage()).totalBytes).toBeGreaterThan(before + 200 * MIB);
    expect(await checksumTree(mountPoint + '/data')).toEqual(sums);
  });
});
