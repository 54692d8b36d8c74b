// usage() reports a read-only mount from the probe's mount table (issue 12, item 8), for each layout
// that has a filesystem; the LV's mount is what counts, not its superblock alone.
import { readFileSync } from 'node:fs';
import type { MountEntry } from '@ebs-autoscale/blockdev';
import type { CommandResult, CommandRunner } from '@ebs-autoscale/core';
import { describe, expect, it } from 'vitest';
import { createLvmDriver, type LvmDriverOptions, type SystemProbe } from '../src/index.js';

/** LVM's reports from the fixtures (a VG `ebs_autoscale` with a pool and a thin LV); nothing else runs. */
const runner: CommandRunner = {
  run: async (command, args): Promise<CommandResult> => {
    const stdout = ['lvs', 'pvs', 'vgs'].includes(command) ? readFileSync(new URL(`./fixtures/${command}.json`, import.meta.url), 'utf8') : '';
    return { command, args, exitCode: 0, stdout, stderr: '' };
  },
};

/** The probe calls usage() makes; anything else would be a bug here, so it is left out. */
function probeWith(mount: Pick<MountEntry, 'mountOptions' | 'options'>): SystemProbe {
  const mounts: MountEntry[] = [{ majorMinor: '253:3', mountPoint: '/scratch', fsType: 'ext4', source: '/dev/mapper/ebs_autoscale-data', ...mount }];
  return {
    mounts: async () => mounts,
    statfs: async () => ({ totalBytes: 100, usedBytes: 10, availableBytes: 90, totalInodes: 1000, freeInodes: 900 }),
  } as Partial<SystemProbe> as SystemProbe;
}

const usage = (layout: LvmDriverOptions['layout'], mount: Pick<MountEntry, 'mountOptions' | 'options'>) =>
  createLvmDriver({ mountPoint: '/scratch', runner, probe: probeWith(mount), volumeGroup: 'ebs_autoscale', layout }).usage();

describe('LvmDriver usage().readOnly', () => {
  it.each(['linear', 'thin-pool'] as const)('%s: false when writable, true after remount,ro or a read-only bind', async (layout) => {
    expect((await usage(layout, { mountOptions: 'rw,relatime', options: 'rw' })).readOnly).toBe(false);
    expect((await usage(layout, { mountOptions: 'ro,relatime', options: 'ro' })).readOnly).toBe(true);
    expect((await usage(layout, { mountOptions: 'ro,relatime', options: 'rw' })).readOnly).toBe(true);
    // ext4's errors=remount-ro: the kernel turns the superblock read-only, the mount's flags stay rw.
    expect((await usage(layout, { mountOptions: 'rw,relatime', options: 'ro,errors=remount-ro' })).readOnly).toBe(true);
  });
});
