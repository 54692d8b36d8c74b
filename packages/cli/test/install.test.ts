import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CommandResult, CommandRunner } from '@ebs-autoscale/core';
import { RecordingCommandRunner } from '@ebs-autoscale/core/testing';
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import { TAG_MOUNT_POINT, TAG_SOURCE_INSTANCE } from '@ebs-autoscale/provisioner-ebs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uninstallCommand } from '../src/cli/install-command.js';
import { main } from '../src/cli/main.js';
import { deviceKind } from '../src/install/device-kind.js';
import { removeFstabEntries } from '../src/install/fstab-remove.js';
import { unitNameFor } from '../src/systemd/unit-names.js';

function capture() {
  const out: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, callback) => (out.push(chunk.toString()), callback()) });
  return { io: { stdout: stream, stderr: stream }, text: () => out.join('') };
}

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ebs-autoscale-install-unit-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('deviceKind', () => {
  it('tells EBS from instance storage by the NVMe model, space padding and all', async () => {
    const sys = join(work, 'sys');
    for (const [controller, model] of [
      ['nvme1', 'Amazon Elastic Block Store'],
      ['nvme2', 'Amazon EC2 NVMe Instance Storage'],
      ['nvme3', 'QEMU NVMe Ctrl'],
    ] as const) {
      await mkdir(join(sys, 'class', 'nvme', controller), { recursive: true });
      await writeFile(join(sys, 'class', 'nvme', controller, 'model'), `${model.padEnd(40)}\n`);
    }
    expect((await deviceKind('/dev/nvme1n1', sys)).kind).toBe('ebs');
    expect((await deviceKind('/dev/nvme2n1', sys)).kind).toBe('instance-store');
    expect(await deviceKind('/dev/nvme3n1', sys)).toEqual({ kind: 'unknown', model: 'QEMU NVMe Ctrl' });
    expect(await deviceKind('/dev/loop0', sys)).toEqual({ kind: 'unknown' });
  });
});

describe('removeFstabEntries', () => {
  it('removes only the lines of that mount point', async () => {
    const fstab = join(work, 'fstab');
    await writeFile(fstab, '# comment /scratch\nUUID=a / ext4 defaults 0 1\nUUID=b /scratch btrfs nofail 0 0\n');
    expect(await removeFstabEntries(fstab, '/scratch')).toBe(1);
    expect(readFileSync(fstab, 'utf8')).toBe('# comment /scratch\nUUID=a / ext4 defaults 0 1\n');
    expect(await removeFstabEntries(join(work, 'absent'), '/scratch')).toBe(0);
  });
});

describe('install past its deadline', () => {
  let sim: Ec2Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('exits non-zero with a message instead of hanging, having written our config and no unit', async () => {
    // CreateVolume takes 20 s here; the deadline is 0.3 s.
    sim = await startEc2Simulator({ latencies: { create: { kind: 'fixed', ms: 20_000 } } });
    const out = capture();
    const config = join(work, 'ebs-autoscale.json');
    const args = [
      '--config',
      config,
      '--unit-dir',
      join(work, 'systemd'),
      '--fstab',
      join(work, 'fstab'),
      '--simulator',
      sim.endpoint,
      '--imds',
      sim.imdsEndpoint,
      '--region',
      sim.region,
    ];
    // Through main(), as cloud-init runs it: the error becomes a message and exit code 1.
    const code = await main(
      ['install', ...args, '-m', join(work, 'data'), '--initial-size', '200', '--timeout', '0.3', '--bin', '/x/ebs-autoscale.js'],
      out.io,
    );
    expect(code).toBe(1);
    expect(out.text()).toContain('ebs-autoscale install did not finish within 0.3 s');
    expect(out.text()).toContain('--timeout');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      version: 1,
      mountPoint: join(work, 'data'),
      driver: { kind: 'btrfs' },
      initialVolume: { sizeGiB: 200 },
    });
    expect(existsSync(join(work, 'systemd', unitNameFor(join(work, 'data'))))).toBe(false);
  });
});

describe('install and uninstall refusals', () => {
  it('install refuses a device that is neither EBS nor instance storage', async () => {
    const out = capture();
    const mountPoint = join(work, 'data');
    const code = await main(
      [
        'install',
        '--config',
        join(work, 'c.json'),
        '--unit-dir',
        join(work, 'systemd'),
        '-m',
        mountPoint,
        '--device',
        '/dev/loop0',
        '--sys-root',
        join(work, 'sys'),
        '--bin',
        '/x/ebs-autoscale.js',
      ],
      out.io,
    );
    expect(code).toBe(1);
    expect(out.text()).toContain('/dev/loop0 is neither an EBS volume nor NVMe instance storage');
  });

  it('uninstall --release-volumes without --yes and without a terminal changes nothing', async () => {
    const config = join(work, 'c.json');
    await writeFile(config, JSON.stringify({ version: 1, mountPoint: '/scratch' }));
    await mkdir(join(work, 'systemd'));
    await writeFile(join(work, 'systemd', 'ebs-autoscale.service'), '[Unit]\n');
    const runner = new RecordingCommandRunner();
    const args = ['--config', config, '--unit-dir', join(work, 'systemd'), '--release-volumes'];
    const refused = capture();
    expect(await uninstallCommand(args, refused.io, { runner, ask: () => Promise.resolve(undefined) })).toBe(2);
    expect(refused.text()).toContain('pass --yes');
    const wrong = capture();
    expect(await uninstallCommand(args, wrong.io, { runner, ask: () => Promise.resolve('/tmp\n') })).toBe(1);
    expect(wrong.text()).toContain('is not /scratch; nothing was changed');
    expect(runner.calls).toEqual([]);
    expect(existsSync(join(work, 'systemd', 'ebs-autoscale.service'))).toBe(true);
  });
});

/** Answers `vgremove` as told and every other command with success, recording them all: LVM without a host to break. */
class VgremoveRunner implements CommandRunner {
  readonly calls: string[][] = [];
  constructor(private readonly vgremove: { exitCode: number; stderr: string }) {}
  run(command: string, args: readonly string[]): Promise<CommandResult> {
    this.calls.push([command, ...args]);
    return Promise.resolve({ command, args, exitCode: 0, stdout: '', ...(command === 'vgremove' ? this.vgremove : { stderr: '' }) });
  }
}

describe('uninstall --release-volumes on LVM', () => {
  let sim: Ec2Simulator;
  let volumeId: string;
  const vg = 'uninstall_test_vg';
  beforeEach(async () => {
    sim = await startEc2Simulator({ latencies: 'zero' });
    // One volume of ours, as install would have tagged it, through the simulator's Query API.
    const body = new URLSearchParams({
      Action: 'CreateVolume',
      AvailabilityZone: sim.instance.availabilityZone,
      Size: '2',
      VolumeType: 'gp3',
      'TagSpecification.1.ResourceType': 'volume',
      'TagSpecification.1.Tag.1.Key': TAG_SOURCE_INSTANCE,
      'TagSpecification.1.Tag.1.Value': sim.instance.instanceId,
      'TagSpecification.1.Tag.2.Key': TAG_MOUNT_POINT,
      'TagSpecification.1.Tag.2.Value': join(work, 'data'),
    });
    const xml = await (await fetch(sim.endpoint, { method: 'POST', body })).text();
    volumeId = /<volumeId>(vol-[0-9a-f]+)<\/volumeId>/.exec(xml)?.[1] ?? '';
    expect(volumeId, xml).not.toBe('');
    await writeFile(join(work, 'c.json'), JSON.stringify({ version: 1, mountPoint: join(work, 'data'), driver: { kind: 'lvm', volumeGroup: vg } }));
  });
  afterEach(async () => {
    await sim.close();
  });

  const uninstall = async (runner: CommandRunner) => {
    const out = capture();
    const args = [
      '--config',
      join(work, 'c.json'),
      '--unit-dir',
      join(work, 'systemd'),
      '--fstab',
      join(work, 'fstab'),
      '--simulator',
      sim.endpoint,
      '--imds',
      sim.imdsEndpoint,
      '--region',
      sim.region,
      '--release-volumes',
      '--yes',
    ];
    const code = await uninstallCommand(args, out.io, { runner }).catch((error: Error) => (out.io.stderr.write(error.message), 1));
    return { code, text: out.text() };
  };
  const live = () => sim.volumes().filter((volume) => volume.volumeId === volumeId && !['deleting', 'deleted'].includes(volume.state));

  it('stops when vgremove fails, naming the group and what LVM said, and releases nothing', async () => {
    const runner = new VgremoveRunner({ exitCode: 5, stderr: `  Logical volume ${vg}/autoscale_lv in use.\n` });
    const { code, text } = await uninstall(runner);
    expect(code).toBe(1);
    expect(text).toContain(`\`vgremove ${vg}\` exited with code 5: Logical volume ${vg}/autoscale_lv in use.`);
    expect(text).toContain('no volume was released');
    expect(text).toContain('run uninstall --release-volumes again');
    expect(text).not.toContain('removed the volume group');
    expect(runner.calls).toEqual([['vgremove', '--force', '--force', '--yes', vg]]);
    expect(live()).toHaveLength(1);
    expect(sim.stats().calls).not.toHaveProperty('DeleteVolume');
  });

  it('releases the volumes once the group is removed, or was already gone', async () => {
    const gone = await uninstall(new VgremoveRunner({ exitCode: 5, stderr: `  Volume group "${vg}" not found\n  Cannot process volume group ${vg}\n` }));
    expect(gone.code, gone.text).toBe(0);
    expect(gone.text).toContain(`no volume group ${vg}; nothing to remove`);
    expect(gone.text).toContain(`released ${volumeId}`);
    expect(live()).toEqual([]);
    const removed = await uninstall(new VgremoveRunner({ exitCode: 0, stderr: '' }));
    expect(removed.code, removed.text).toBe(0);
    expect(removed.text).toContain(`removed the volume group ${vg}`);
  });
});
