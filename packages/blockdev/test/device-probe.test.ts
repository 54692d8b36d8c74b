// Device probing: the block-device check, blkid's answers through a scripted runner, sysfs stacking.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriverError, type CommandResult, type CommandRunner } from '@ebs-autoscale/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDeviceNumber, holdersOf, membersOf, parseBlkidExport, probeSignature, resolveBlockDevice } from '../src/index.js';

/** A runner that answers blkid with one scripted result and remembers what it was asked. */
function blkidAnswering(exitCode: number, stdout = '', stderr = ''): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(command, args): Promise<CommandResult> {
      calls.push([command, ...args]);
      return { command, args, exitCode, stdout, stderr };
    },
  };
}

describe('formatDeviceNumber', () => {
  it('decodes glibc dev_t, including minors above 255', () => {
    expect(formatDeviceNumber(0x0703)).toBe('7:3');
    expect(formatDeviceNumber((259 << 8) | 1)).toBe('259:1');
    expect(formatDeviceNumber((7 << 8) | (256 << 12))).toBe('7:256');
  });
});

describe('probeSignature', () => {
  it('reports a blank device when blkid -p exits 2, probing the device itself', async () => {
    const runner = blkidAnswering(2);
    expect(await probeSignature(runner, '/dev/loop9')).toEqual({ type: undefined, uuid: undefined, label: undefined });
    expect(runner.calls).toEqual([['blkid', '-p', '-o', 'export', '/dev/loop9']]);
  });

  it('reads type, UUID and label', async () => {
    const stdout = 'DEVNAME=/dev/loop9\nLABEL=ebs-autoscale\nUUID=1234-abcd\nBLOCK_SIZE=4096\nTYPE=ext4\nUSAGE=filesystem\n';
    expect(await probeSignature(blkidAnswering(0, stdout), '/dev/loop9')).toEqual({ type: 'ext4', uuid: '1234-abcd', label: 'ebs-autoscale' });
  });

  it('throws COMMAND_FAILED on any other exit', async () => {
    const error = await probeSignature(blkidAnswering(4, '', 'permission denied\n'), '/dev/loop9').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('COMMAND_FAILED');
    expect((error as DriverError).message).toContain('permission denied');
  });
});

describe('parseBlkidExport', () => {
  it('counts a bare partition table as a signature, and anything else as unknown', () => {
    expect(parseBlkidExport('DEVNAME=/dev/sdb\nPTUUID=ab\nPTTYPE=gpt\n').type).toBe('partition table (gpt)');
    expect(parseBlkidExport('DEVNAME=/dev/sdb\n').type).toBe('unknown');
  });

  it('keeps "=" inside a value', () => {
    expect(parseBlkidExport('TYPE=ext4\nLABEL=a=b\n').label).toBe('a=b');
  });
});

describe('resolveBlockDevice', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'blockdev-probe-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses a missing path and a regular file with NOT_A_BLOCK_DEVICE', async () => {
    await writeFile(join(dir, 'image'), '');
    for (const [path, message] of [
      [join(dir, 'missing'), 'does not exist'],
      [join(dir, 'image'), 'is not a block device'],
    ] as const) {
      const error = await resolveBlockDevice('test-driver', path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DriverError);
      expect(error).toMatchObject({ source: 'test-driver', code: 'NOT_A_BLOCK_DEVICE' });
      expect((error as Error).message).toContain(message);
    }
  });

  it('resolves a block device node to its kernel name and number', async () => {
    // Every Linux host has some block device node; take the first one sysfs lists that /dev has.
    const names = await readdir('/sys/class/block').catch(() => [] as string[]);
    let found: string | undefined;
    for (const name of names) {
      if ((await stat(`/dev/${name}`).catch(() => undefined))?.isBlockDevice()) {
        found = name;
        break;
      }
    }
    expect(found, 'no block device node in /dev to resolve').toBeDefined();
    const resolved = await resolveBlockDevice('test-driver', `/dev/${found}`);
    expect(resolved).toMatchObject({ path: `/dev/${found}`, name: found });
    expect(resolved.majorMinor).toBe((await readFile(`/sys/class/block/${found}/dev`, 'utf8')).trim());
  });
});

describe('holdersOf and membersOf', () => {
  let sysRoot = '';
  beforeAll(async () => {
    sysRoot = await mkdtemp(join(tmpdir(), 'blockdev-sys-'));
    await mkdir(join(sysRoot, 'class/block/nvme1n1/holders/dm-0'), { recursive: true });
    await mkdir(join(sysRoot, 'class/block/nvme2n1/holders'), { recursive: true });
    await mkdir(join(sysRoot, 'class/block/dm-0/slaves/nvme1n1'), { recursive: true });
    await mkdir(join(sysRoot, 'class/block/dm-0/slaves/nvme3n1'), { recursive: true });
  });
  afterAll(() => rm(sysRoot, { recursive: true, force: true }));

  it('lists what holds a device, empty when nothing does or the device is unknown', async () => {
    expect(await holdersOf(sysRoot, 'nvme1n1')).toEqual(['dm-0']);
    expect(await holdersOf(sysRoot, 'nvme2n1')).toEqual([]);
    expect(await holdersOf(sysRoot, 'nope')).toEqual([]);
  });

  it('lists what a stacked device is built from', async () => {
    expect((await membersOf(sysRoot, 'dm-0')).sort()).toEqual(['nvme1n1', 'nvme3n1']);
    expect(await membersOf(sysRoot, 'nvme2n1')).toEqual([]);
  });
});
