// usage() against the btrfs tool's own figures, on a real filesystem: sysfs and
// `btrfs filesystem usage -b --raw` read the same kernel counters, so they must agree to the byte
// (allowing for a transaction committing between the two reads). Also: no process per sample.
import { createExecaRunner, RecordingCommandRunner } from '@ebs-autoscale/core';
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
    expect(usage.availableBytes).toBe(space.freeEstimatedBytes);
    expect(usage.gauges.map((gauge) => gauge.kind)).toEqual(['bytes', 'btrfs-metadata']);
  });
});
