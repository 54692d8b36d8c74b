// Refusals specific to btrfs, each leaving the device untouched (first MiB compared): a member of
// another btrfs, a foreign btrfs at prepare, extend before prepare, a busy mount point.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createExecaRunner } from '@ebs-autoscale/core';
import { firstMiB, LoopDeviceFactory, requireRootOrWarn } from '@ebs-autoscale/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createBtrfsDriver } from '../src/index.js';

const MIB = 1024 * 1024;
const runner = createExecaRunner();

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  return promise.then(
    () => ({}),
    (error: { code?: string; message?: string }) => error,
  );
}

describe.skipIf(!requireRootOrWarn('btrfs refusal tests on loop devices'))('btrfs refusals', () => {
  const loops = new LoopDeviceFactory();
  afterEach(() => loops.cleanup());

  it('refuses to add a member of another mounted btrfs, with DEVICE_IN_USE, untouched', async () => {
    const ours = createBtrfsDriver({ mountPoint: await loops.mountPoint(), devices: [await loops.create(256 * MIB)] });
    const theirs = createBtrfsDriver({ mountPoint: await loops.mountPoint(), devices: [await loops.create(256 * MIB)], label: 'theirs' });
    await ours.prepare();
    await theirs.prepare();
    const [member] = await theirs.devices();
    await runner.run('sync', []);
    const before = await firstMiB(member ?? '');
    const error = await rejection(ours.extend(member ?? ''));
    expect(error.code).toBe('DEVICE_IN_USE');
    expect(error.message).toContain('another');
    expect((await firstMiB(member ?? '')).equals(before)).toBe(true);
    expect(await ours.devices()).toHaveLength(1);
  });

  it('refuses an unmounted btrfs of another label at prepare(), and force formats it', async () => {
    const device = await loops.create(256 * MIB);
    await runner.run('mkfs.btrfs', ['-q', '-L', 'someone-else', device]);
    const before = await firstMiB(device);
    const mountPoint = await loops.mountPoint();
    const error = await rejection(createBtrfsDriver({ mountPoint, devices: [device] }).prepare());
    expect(error.code).toBe('DEVICE_IN_USE');
    expect((await firstMiB(device)).equals(before)).toBe(true);

    const forced = createBtrfsDriver({ mountPoint, devices: [device], force: true });
    await forced.prepare();
    expect((await forced.usage()).totalBytes).toBe(256 * MIB);
  });

  it('mounts its own filesystem again after an unmount instead of refusing it', async () => {
    const mountPoint = await loops.mountPoint();
    const device = await loops.create(256 * MIB);
    const driver = createBtrfsDriver({ mountPoint, devices: [device] });
    await driver.prepare();
    await runner.run('umount', [mountPoint]);
    const again = createBtrfsDriver({ mountPoint, devices: [device] });
    await again.prepare();
    expect(await again.devices()).toEqual([device]);
  });

  it('refuses extend() and usage() before prepare() with NOT_PREPARED, and a busy mount point', async () => {
    const mountPoint = await loops.mountPoint();
    const driver = createBtrfsDriver({ mountPoint, devices: [await loops.create(256 * MIB)] });
    const spare = await loops.create(256 * MIB);
    expect((await rejection(driver.extend(spare))).code).toBe('NOT_PREPARED');
    expect((await rejection(driver.usage())).code).toBe('NOT_PREPARED');
    expect((await firstMiB(spare)).every((byte) => byte === 0)).toBe(true);

    await runner.run('mount', ['-t', 'tmpfs', 'tmpfs', mountPoint]);
    expect((await rejection(driver.prepare())).code).toBe('DEVICE_IN_USE');
  });

  it('writes one fstab line by UUID with nofail, once', async () => {
    const mountPoint = await loops.mountPoint();
    const fstabPath = join(await loops.mountPoint(), 'fstab');
    const device = await loops.create(256 * MIB);
    const driver = createBtrfsDriver({ mountPoint, devices: [device], fstabPath });
    await driver.prepare();
    await driver.prepare();
    const uuid = (await runner.run('blkid', ['-p', '-s', 'UUID', '-o', 'value', device])).stdout.trim();
    expect(await readFile(fstabPath, 'utf8')).toBe(`UUID=${uuid} ${mountPoint} btrfs noatime,nofail 0 0\n`);
  });
});
