// deviceBacksMembers against a fake sysfs tree around a real block device node (its number is what
// counts): members, partitions and holders all mean "could hold"; a device it cannot see is no "no".
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasErrorCode } from '@ebs-autoscale/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceBacksMembers, formatDeviceNumber } from '../src/index.js';

const DEVICE = '/dev/loop0';
const canRun = existsSync(DEVICE) && statSync(DEVICE).isBlockDevice();
if (!canRun) console.warn(`[ebs-autoscale/blockdev] SKIPPING the device-backing tests: they need the block device node ${DEVICE}`);

describe.skipIf(!canRun)('deviceBacksMembers', () => {
  let sysRoot = '';
  let entry = '';
  const number = canRun ? formatDeviceNumber(statSync(DEVICE).rdev) : '';
  beforeEach(async () => {
    sysRoot = await mkdtemp(join(tmpdir(), 'blockdev-backing-'));
    entry = join(sysRoot, 'dev', 'block', number);
    await mkdir(join(entry, 'holders'), { recursive: true });
  });
  afterEach(() => rm(sysRoot, { recursive: true, force: true }));

  it('is true for a member by device number, whatever path names it', async () => {
    expect(await deviceBacksMembers('test', sysRoot, DEVICE, new Set([number]))).toBe(true);
    expect(await deviceBacksMembers('test', sysRoot, DEVICE, new Set(['259:1']))).toBe(false);
  });

  it('is true when one of its partitions is a member, or has holders', async () => {
    const partition = join(entry, 'loop0p1');
    await mkdir(join(partition, 'holders'), { recursive: true });
    await writeFile(join(partition, 'partition'), '1\n');
    await writeFile(join(partition, 'dev'), '259:7\n');
    expect(await deviceBacksMembers('test', sysRoot, DEVICE, new Set(['259:7']))).toBe(true);
    expect(await deviceBacksMembers('test', sysRoot, DEVICE, new Set())).toBe(false);
    await mkdir(join(partition, 'holders', 'dm-3'));
    expect(await deviceBacksMembers('test', sysRoot, DEVICE, new Set())).toBe(true);
  });

  it('is true when anything is stacked on it (device-mapper, md), which could be the filesystem', async () => {
    await mkdir(join(entry, 'holders', 'dm-0'));
    expect(await deviceBacksMembers('test', sysRoot, DEVICE, new Set())).toBe(true);
  });

  it('throws, never answers false, for a device it cannot see or whose sysfs entry is missing', async () => {
    const missing = await deviceBacksMembers('test', sysRoot, '/dev/ebs-autoscale-nonexistent', new Set()).catch((error: unknown) => error);
    expect(hasErrorCode(missing, 'NOT_A_BLOCK_DEVICE')).toBe(true);
    await rm(entry, { recursive: true });
    const unseen = await deviceBacksMembers('test', sysRoot, DEVICE, new Set()).catch((error: unknown) => error);
    expect(hasErrorCode(unseen, 'DEVICE_NOT_FOUND')).toBe(true);
  });
});
