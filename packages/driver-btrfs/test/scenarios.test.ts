// Real-device scenarios beyond the conformance suite: growth under a live writer, metadata pressure
// from small files, and what extend() runs (never a metadata balance).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createExecaRunner } from '@ebs-autoscale/core';
import { RecordingCommandRunner } from '@ebs-autoscale/core/testing';
import { checksumTree, LoopDeviceFactory, requireRootOrWarn } from '@ebs-autoscale/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createBtrfsDriver } from '../src/index.js';

const MIB = 1024 * 1024;

describe.skipIf(!requireRootOrWarn('btrfs scenario tests on loop devices'))('btrfs scenarios', () => {
  const loops = new LoopDeviceFactory();
  afterEach(() => loops.cleanup());

  it('grows through three added devices while a writer keeps writing, and every file reads back', async () => {
    const runner = new RecordingCommandRunner(createExecaRunner());
    const mountPoint = await loops.mountPoint();
    const driver = createBtrfsDriver({ mountPoint, devices: [await loops.create(256 * MIB)], runner });
    await driver.prepare();

    // The writer records each file's content hash as it writes, so the check below compares against
    // what was written, not against a later read.
    const written: Record<string, string> = {};
    let stop = false;
    const writer = (async () => {
      const { createHash } = await import('node:crypto');
      await mkdir(join(mountPoint, 'w'), { recursive: true });
      for (let index = 0; !stop || index < 12; index += 1) {
        const name = `w/file-${String(index).padStart(4, '0')}.bin`;
        const content = randomBytes(512 * 1024);
        await writeFile(join(mountPoint, name), content);
        written[name] = createHash('sha256').update(content).digest('hex');
      }
    })();

    const totals = [(await driver.usage()).totalBytes];
    for (let step = 0; step < 3; step += 1) {
      await driver.extend(await loops.create(256 * MIB));
      totals.push((await driver.usage()).totalBytes);
    }
    stop = true;
    await writer;

    expect(totals).toEqual([256 * MIB, 512 * MIB, 768 * MIB, 1024 * MIB]);
    expect(await driver.devices()).toHaveLength(4);
    expect(Object.keys(written).length).toBeGreaterThanOrEqual(12);
    expect(await checksumTree(mountPoint)).toEqual(written);
    // The metadata advice: never `balance -m` after an add.
    const balances = runner.calls.filter((call) => call.command === 'btrfs' && call.args[0] === 'balance');
    expect(balances.filter((call) => call.args.some((arg) => arg.startsWith('-m')))).toEqual([]);
  });

  it('raises the btrfs-metadata gauge under a many-small-files workload', async () => {
    const mountPoint = await loops.mountPoint();
    const driver = createBtrfsDriver({ mountPoint, devices: [await loops.create(160 * MIB)] });
    await driver.prepare();
    const gauge = async (): Promise<number> => (await driver.usage()).gauges.find((g) => g.kind === 'btrfs-metadata')?.usedPercent ?? -1;
    const before = await gauge();
    // Files under 2 KiB are stored inline in the metadata tree, so they load metadata, not data.
    const dir = join(mountPoint, 'small');
    await mkdir(dir);
    const small = Buffer.alloc(1500, 7);
    for (let index = 0; index < 3000; index += 1) await writeFile(join(dir, `f${index}`), small);
    await createExecaRunner().run('btrfs', ['filesystem', 'sync', mountPoint]);
    const after = await gauge();
    expect(before).toBeGreaterThanOrEqual(0);
    expect(after).toBeGreaterThan(before + 1);
  });

  it('after extend() runs only the probe and `btrfs device add` on a roomy filesystem', async () => {
    const runner = new RecordingCommandRunner(createExecaRunner());
    const mountPoint = await loops.mountPoint();
    const driver = createBtrfsDriver({ mountPoint, devices: [await loops.create(256 * MIB)], runner });
    await driver.prepare();
    const device = await loops.create(256 * MIB);
    const from = runner.calls.length;
    await driver.extend(device);
    expect(runner.calls.slice(from)).toEqual([
      { command: 'blkid', args: ['-p', '-o', 'export', device] },
      { command: 'btrfs', args: ['device', 'add', '-K', device, mountPoint] },
    ]);
  });
});
