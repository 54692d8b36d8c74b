// Host tests of what the conformance suite does not cover: growInPlace's command (online resize2fs
// itself needs CAP_SYS_RESOURCE, absent here: see grow-in-place.vm.test.ts), its refusal when nothing
// is mounted, usage() without a process, and the fstab line.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createExecaRunner, type CommandRunner } from '@ebs-autoscale/core';
import { RecordingCommandRunner } from '@ebs-autoscale/core/testing';
import { LoopDeviceFactory, requireRootOrWarn } from '@ebs-autoscale/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createExt4StaticDriver } from '../src/index.js';

const MIB = 1024 * 1024;
const real = createExecaRunner();

/** Runs every command for real except resize2fs, which this host cannot run online: that call is what is checked. */
const resizeStub: CommandRunner = {
  run: (command, args, options) =>
    command === 'resize2fs' ? Promise.resolve({ command, args, exitCode: 0, stdout: '', stderr: '' }) : real.run(command, args, options),
};

async function rejection(promise: Promise<unknown>): Promise<{ code?: string }> {
  return promise.then(
    () => ({}),
    (error: { code?: string }) => error,
  );
}

describe.skipIf(!requireRootOrWarn('ext4-static driver tests on loop devices'))('ext4-static', () => {
  const loops = new LoopDeviceFactory();
  afterEach(() => loops.cleanup());

  it('growInPlace() runs `resize2fs <device>` on the mounted device', async () => {
    const runner = new RecordingCommandRunner(resizeStub);
    const device = await loops.create(256 * MIB);
    const driver = createExt4StaticDriver({ mountPoint: await loops.mountPoint(), device, runner });
    await driver.prepare();
    const from = runner.calls.length;
    await driver.growInPlace();
    expect(runner.calls.slice(from)).toEqual([{ command: 'resize2fs', args: [device] }]);
  });

  it('growInPlace() and usage() refuse with NOT_PREPARED when nothing is mounted, running nothing', async () => {
    const runner = new RecordingCommandRunner(resizeStub);
    const driver = createExt4StaticDriver({ mountPoint: await loops.mountPoint(), device: await loops.create(256 * MIB), runner });
    expect((await rejection(driver.growInPlace())).code).toBe('NOT_PREPARED');
    expect((await rejection(driver.usage())).code).toBe('NOT_PREPARED');
    expect(runner.calls).toEqual([]);
  });

  it('usage() spawns no process and has bytes and inodes gauges that move', async () => {
    const runner = new RecordingCommandRunner(real);
    const mountPoint = await loops.mountPoint();
    const driver = createExt4StaticDriver({ mountPoint, device: await loops.create(256 * MIB), runner });
    await driver.prepare();
    const from = runner.calls.length;
    const before = await driver.usage();
    const dir = join(mountPoint, 'many');
    await mkdir(dir);
    for (let index = 0; index < 2000; index += 1) await writeFile(join(dir, `f${index}`), '');
    const after = await driver.usage();
    expect(runner.calls.length).toBe(from);
    const inodes = (usage: typeof before) => usage.gauges.find((gauge) => gauge.kind === 'inodes')?.usedPercent ?? -1;
    expect(inodes(after)).toBeGreaterThan(inodes(before));
    expect(before.gauges.map((gauge) => gauge.kind)).toEqual(['bytes', 'inodes']);
    // -m 0: no root reserve, so all free blocks are available.
    expect(before.totalBytes).toBeGreaterThan(200 * MIB);
  });

  it('writes one fstab line by UUID with nofail, and mounts its own ext4 again after an unmount', async () => {
    const mountPoint = await loops.mountPoint();
    const fstabPath = join(await loops.mountPoint(), 'fstab');
    await writeFile(fstabPath, '# existing\n/dev/root / ext4 defaults 0 1');
    const device = await loops.create(256 * MIB);
    const driver = createExt4StaticDriver({ mountPoint, device, fstabPath });
    await driver.prepare();
    await real.run('umount', [mountPoint]);
    await driver.prepare();
    const uuid = (await real.run('blkid', ['-p', '-s', 'UUID', '-o', 'value', device])).stdout.trim();
    expect(await readFile(fstabPath, 'utf8')).toBe(`# existing\n/dev/root / ext4 defaults 0 1\nUUID=${uuid} ${mountPoint} ext4 noatime,nofail 0 0\n`);
    expect((await driver.usage()).totalBytes).toBeGreaterThan(0);
  });
});
