import { resolveBlockDevice } from '@ebs-autoscale/blockdev';
import type { CommandResult, CommandRunner, RunOptions } from '@ebs-autoscale/core';
import { hasErrorCode } from '@ebs-autoscale/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLvmDriver, type LvmDriverOptions, type SystemProbe } from '../src/index.js';

const fixturePath = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/**
 * Answers LVM's reports from the fixtures (a VG `ebs_autoscale` on loop0 and loop1, a 500 MiB pool,
 * a smaller thin LV), blkid with "no signature", and records every command: the sequence is what these
 * tests check.
 */
class ScriptedRunner implements CommandRunner {
  readonly calls: string[] = [];
  constructor(private readonly answers: Partial<Record<string, string>> = {}) {}

  async run(command: string, args: readonly string[], _options?: RunOptions): Promise<CommandResult> {
    const report = ['lvs', 'pvs', 'vgs'].includes(command);
    if (!report) this.calls.push([command, ...args].join(' '));
    const stdout = this.answers[command] ?? (report ? fixture(`${command}.json`) : '');
    return { command, args, exitCode: command === 'blkid' ? 2 : 0, stdout, stderr: '' };
  }
}

/** `major:minor` of the devices this machine has: every /dev/loopN is 7:N, and the LV is 253:3. */
const deviceId = (path: string) => (/^\/dev\/loop(\d+)$/.exec(path) ? `7:${path.slice(9)}` : path.startsWith('/dev/ebs_autoscale/') ? '253:3' : undefined);

/** The machine's `/dev/disk/by-id` links, as udev makes them for EBS volumes, and where they point. */
const BY_ID = '/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0';
const links: Record<string, string> = { [BY_ID]: '/dev/loop5', [`${BY_ID}-second`]: '/dev/loop6' };

/** A machine where every /dev/loopN is a block device, nothing holds them, and nothing is mounted but the LV. */
const probe: SystemProbe = {
  resolveBlockDevice: async (driver, link) => {
    const path = links[link] ?? link;
    const majorMinor = deviceId(path);
    // Anything else is resolved for real: the refusal of a regular file is blockdev's own.
    return majorMinor ? { path, name: path.slice('/dev/'.length), majorMinor } : resolveBlockDevice(driver, path);
  },
  blockDeviceId: async (path) => deviceId(path),
  holders: async () => [],
  backsMembers: async (path, members) => members.has(deviceId(path) ?? path),
  mounts: async () => [
    { majorMinor: '253:3', mountPoint: '/scratch', mountOptions: 'rw', fsType: 'ext4', source: '/dev/mapper/ebs_autoscale-data', options: 'rw' },
  ],
  statfs: async () => ({ totalBytes: 100, usedBytes: 10, availableBytes: 90, totalInodes: 1000, freeInodes: 900 }),
  ensureDirectory: async () => {},
};

const driver = (runner: CommandRunner, options: Partial<LvmDriverOptions> = {}) =>
  createLvmDriver({ mountPoint: '/scratch', runner, probe, volumeGroup: 'ebs_autoscale', ...options });

describe('extend() command sequence', () => {
  it('thin-pool: pvcreate, vgextend, pool data, thin LV to the pool size, resize2fs', async () => {
    const runner = new ScriptedRunner();
    await driver(runner).extend('/dev/loop5');
    expect(runner.calls).toEqual([
      'blkid -p -o export /dev/loop5',
      'pvcreate /dev/loop5',
      'vgextend ebs_autoscale /dev/loop5',
      'lvextend -l +100%FREE ebs_autoscale/pool',
      'lvextend -L 524288000b ebs_autoscale/data',
      'resize2fs /dev/ebs_autoscale/data',
    ]);
  });

  it('thin-pool on xfs grows with xfs_growfs on the mount point', async () => {
    const runner = new ScriptedRunner();
    await driver(runner, { filesystem: 'xfs' }).extend('/dev/loop5');
    expect(runner.calls.at(-1)).toBe('xfs_growfs /scratch');
  });

  it('grows pool metadata first when it is past the threshold', async () => {
    const runner = new ScriptedRunner();
    await driver(runner, { metadataGrowthThresholdPercent: 10 }).extend('/dev/loop5');
    expect(runner.calls.slice(3, 5)).toEqual(['lvextend --poolmetadatasize +4194304b ebs_autoscale/pool', 'lvextend -l +100%FREE ebs_autoscale/pool']);
  });

  it('pool-only: grows only the pool, no LV and no filesystem', async () => {
    const runner = new ScriptedRunner();
    await driver(runner, { layout: 'pool-only', thinPool: 'pool' }).extend('/dev/loop5');
    expect(runner.calls).toEqual([
      'blkid -p -o export /dev/loop5',
      'pvcreate /dev/loop5',
      'vgextend ebs_autoscale /dev/loop5',
      'lvextend -l +100%FREE ebs_autoscale/pool',
    ]);
  });

  it('linear: amazon-ebs-autoscale’s vgextend, lvresize -l 100%VG, resize2fs', async () => {
    const runner = new ScriptedRunner();
    await driver(runner, { layout: 'linear', logicalVolume: 'autoscale_lv' }).extend('/dev/loop5');
    expect(runner.calls).toEqual([
      'blkid -p -o export /dev/loop5',
      'pvcreate /dev/loop5',
      'vgextend ebs_autoscale /dev/loop5',
      'lvresize -l 100%VG ebs_autoscale/autoscale_lv',
      'resize2fs /dev/ebs_autoscale/autoscale_lv',
    ]);
  });

  it('extend() of a by-id link runs pvcreate and vgextend on the kernel-named device it resolves to', async () => {
    const runner = new ScriptedRunner();
    await driver(runner).extend(BY_ID);
    expect(runner.calls.slice(0, 3)).toEqual(['blkid -p -o export /dev/loop5', 'pvcreate /dev/loop5', 'vgextend ebs_autoscale /dev/loop5']);
  });

  it('prepare() builds the volume group on the kernel-named devices its by-id links resolve to', async () => {
    // No VG yet: vgs reports none, so prepare() creates it from `devices`.
    const runner = new ScriptedRunner({ vgs: JSON.stringify({ report: [{ vg: [] }] }) });
    await driver(runner, { layout: 'linear', logicalVolume: 'autoscale_lv', devices: [BY_ID, `${BY_ID}-second`] }).prepare();
    expect(runner.calls.slice(0, 5)).toEqual([
      'blkid -p -o export /dev/loop5',
      'blkid -p -o export /dev/loop6',
      'pvcreate /dev/loop5',
      'pvcreate /dev/loop6',
      'vgcreate ebs_autoscale /dev/loop5 /dev/loop6',
    ]);
  });

  it.each([
    ['/dev/loop1', 'DEVICE_IN_USE', /already a physical volume of ebs_autoscale/],
    ['/dev/loop7', 'DEVICE_IN_USE', /no volume group/],
    [fixturePath('pvs.json'), 'NOT_A_BLOCK_DEVICE', /not a block device/],
  ] as const)('refuses %s with %s and runs nothing', async (device, code, message) => {
    const runner = new ScriptedRunner();
    const error = await driver(runner)
      .extend(device)
      .catch((caught: unknown) => caught);
    expect(hasErrorCode(error, code)).toBe(true);
    expect(String(error)).toMatch(message);
    expect(runner.calls).toEqual([]);
  });

  it('refuses a device with a signature with DEVICE_NOT_BLANK and runs nothing after blkid', async () => {
    const runner = new ScriptedRunner();
    runner.run = async function (command, args) {
      this.calls.push([command, ...args].join(' '));
      if (['lvs', 'pvs', 'vgs'].includes(command)) return { command, args, exitCode: 0, stdout: fixture(`${command}.json`), stderr: '' };
      return { command, args, exitCode: 0, stdout: 'TYPE=swap\n', stderr: '' };
    };
    const error = await driver(runner)
      .extend('/dev/loop5')
      .catch((caught: unknown) => caught);
    expect(hasErrorCode(error, 'DEVICE_NOT_BLANK')).toBe(true);
    expect(String(error)).toMatch(/swap/);
    expect(runner.calls.filter((call) => !/^(lvs|pvs|vgs|blkid) /.test(call))).toEqual([]);
  });

  it('reports thin-pool gauges so the policy sees the worst of filesystem and pool', async () => {
    const usage = await driver(new ScriptedRunner()).usage();
    expect(usage.gauges.map((gauge) => [gauge.kind, gauge.usedPercent])).toEqual([
      ['bytes', 10],
      ['inodes', 10],
      ['thin-pool-data', 2.75],
      ['thin-pool-metadata', 11.04],
    ]);
  });
});
