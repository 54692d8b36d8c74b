// usage() against the btrfs tool's own figures, on a real filesystem: sysfs and
// `btrfs filesystem usage -b --raw` read the same kernel counters, so they must agree to the byte
// (allowing for a transaction committing between the two reads). Also: no process per sample.
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { createExecaRunner } from '@ebs-autoscale/core';
import { RecordingCommandRunner } from '@ebs-autoscale/core/testing';
import { LoopDeviceFactory, requireRootOrWarn, writeRandomFiles } from '@ebs-autoscale/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { btrfsSpace, createBtrfsDriver, readBtrfsAllocation } from '../src/index.js';

const MIB = 1024 * 1024;

/** The "Overall" section of `btrfs filesystem usage -b --raw`, by its labels. */
function parseOverall(text: string): Map<string, number> {
  const figures = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^\s+([A-Za-z ()]+):\s+(\d+)/.exec(line);
    if (match?.[1] && match[2]) figures.set(match[1].trim(), Number(match[2]));
  }
  return figures;
}

describe.skipIf(!requireRootOrWarn('btrfs usage cross-check on loop devices'))('btrfs usage() from sysfs', () => {
  const loops = new LoopDeviceFactory();
  afterEach(() => loops.cleanup());

  it('agrees with `btrfs filesystem usage -b --raw` and spawns no process', async () => {
    const runner = new RecordingCommandRunner(createExecaRunner());
    const mountPoint = await loops.mountPoint();
    const driver = createBtrfsDriver({ mountPoint, devices: [await loops.create(256 * MIB)], runner });
    await driver.prepare();
    await driver.extend(await loops.create(256 * MIB));
    await writeRandomFiles(mountPoint, 4, 4 * MIB);
    await runner.run('btrfs', ['filesystem', 'sync', mountPoint]);

    const before = runner.calls.length;
    const usage = await driver.usage();
    expect(runner.calls.length).toBe(before);

    const tool = parseOverall((await runner.run('btrfs', ['filesystem', 'usage', '-b', '--raw', mountPoint])).stdout);
    const uuid = (await runner.run('blkid', ['-p', '-s', 'UUID', '-o', 'value', (await driver.devices())[0] ?? ''])).stdout.trim();
    const space = btrfsSpace(await readBtrfsAllocation('/sys', uuid));
    expect(space.deviceBytes).toBe(tool.get('Device size'));
    expect(space.allocatedBytes).toBe(tool.get('Device allocated'));
    expect(space.unallocatedBytes).toBe(tool.get('Device unallocated'));
    expect(space.freeEstimatedBytes).toBe(tool.get('Free (estimated)'));
    expect(Math.abs(space.usedBytes - (tool.get('Used') ?? 0))).toBeLessThan(MIB);
    expect(usage.totalBytes).toBe(512 * MIB);
    expect(usage.availableBytes).toBe(space.freeEstimatedBytes - space.pendingDataBytes);
    expect(usage.gauges.map((gauge) => gauge.kind)).toEqual(['bytes', 'btrfs-metadata']);
  });

  it('sees data written with fdatasync at once, before a transaction commits it', async () => {
    // fdatasync on btrfs writes the log tree, not a transaction: the extents sit in `bytes_reserved`
    // and `bytes_used` (and df) catch up only at the next commit, up to 30 s later.
    const mountPoint = await loops.mountPoint();
    const driver = createBtrfsDriver({ mountPoint, devices: [await loops.create(256 * MIB)] });
    await driver.prepare();
    const file = await open(join(mountPoint, 'data.bin'), 'w');
    const block = randomBytes(MIB);
    let before: Awaited<ReturnType<typeof driver.usage>>;
    try {
      // The first fsync of a new file commits a full transaction; the ones after it use the log tree.
      await file.write(block);
      await file.datasync();
      before = await driver.usage();
      // Like a job flushing as it goes: a few MiB per fdatasync.
      for (let i = 0; i < 96; i += 1) {
        await file.write(block);
        if (i % 4 === 3) await file.datasync();
      }
    } finally {
      await file.close();
    }
    const after = await driver.usage();
    // 96 MiB written; a few MiB of slack for counters that settle (pinned bytes freed by a commit).
    expect(before.availableBytes - after.availableBytes).toBeGreaterThanOrEqual(90 * MIB);
    expect(after.usedBytes - before.usedBytes).toBeGreaterThanOrEqual(90 * MIB);
  });
});
