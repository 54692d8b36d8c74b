import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordingCommandRunner } from '@ebs-autoscale/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installCommand } from '../src/cli/install-command.js';
import { parseConfig } from '../src/config/load-config.js';
import { describeDistribution, parseOsRelease, readOsRelease } from '../src/host/distribution.js';
import { checkPrerequisites, resolveDriver, type ResolvedDriver } from '../src/host/prerequisites.js';
import { capture } from './helpers/sim-host.js';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/os-release/${name}`, import.meta.url));
const distributionOf = async (name: string) => describeDistribution(await readOsRelease([fixture(name)]));
/** A host with every tool but these. */
const without =
  (...missing: string[]) =>
  (tool: string) =>
    Promise.resolve(!missing.includes(tool));
const lvm = { kind: 'lvm', layout: 'thin-pool', volumeGroup: 'vg', logicalVolume: 'lv' } as const;

describe('os-release', () => {
  it.each([
    ['amzn-2023', 'amzn', '2023', 'xfs', true],
    ['amzn-2', 'amzn', '2', 'xfs', false],
    ['ubuntu-22.04', 'ubuntu', '22.04', 'ext4', false],
    ['ubuntu-24.04', 'ubuntu', '24.04', 'ext4', false],
  ] as const)('%s: id %s %s, LVM gets %s, btrfs refused: %s', async (name, id, versionId, filesystem, noBtrfs) => {
    const release = await readOsRelease([fixture(name)]);
    expect(release).toMatchObject({ id, versionId });
    const distribution = describeDistribution(release);
    expect(distribution.preferredFilesystem).toBe(filesystem);
    expect(distribution.btrfsUnsupported !== undefined).toBe(noBtrfs);
    // Our format leaves the filesystem open; the legacy lvm.ext4 and an explicit choice keep theirs.
    expect(resolveDriver(lvm, distribution)).toMatchObject({ filesystem });
    expect(resolveDriver({ ...lvm, filesystem: 'ext4' }, distribution)).toMatchObject({ filesystem: 'ext4' });
  });

  it('reads quoting and escapes, and falls back when there is no file', async () => {
    expect(parseOsRelease('ID="my \\"os\\""\nVERSION_ID=\'1\'\n# comment\nPRETTY_NAME=Mine')).toMatchObject({
      id: 'my "os"',
      versionId: '1',
      prettyName: 'Mine',
    });
    expect(await readOsRelease(['/nonexistent/os-release'])).toBeUndefined();
    expect(describeDistribution(undefined).preferredFilesystem).toBe('ext4');
  });
});

describe('prerequisites per distribution', () => {
  const refusal = async (driver: ResolvedDriver, name: string, hasTool: (tool: string) => Promise<boolean>) =>
    checkPrerequisites(driver, await distributionOf(name), hasTool).then(
      () => 'accepted',
      (error: Error) => error.message,
    );

  it('refuses btrfs on Amazon Linux 2023 (no btrfs-progs there) and points at LVM', async () => {
    const message = await refusal({ kind: 'btrfs' }, 'amzn-2023', without('mkfs.btrfs', 'btrfs'));
    expect(message).toContain('Amazon Linux 2023 does not package btrfs-progs');
    expect(message).toContain('--driver lvm');
    // Tools built by hand are the operator's call.
    expect(await refusal({ kind: 'btrfs' }, 'amzn-2023', without())).toBe('accepted');
  });

  it('names the missing package and the command for each distribution', async () => {
    expect(await refusal({ kind: 'btrfs' }, 'amzn-2', without('mkfs.btrfs'))).toMatch(/needs mkfs\.btrfs[\s\S]*yum install -y btrfs-progs/);
    expect(await refusal({ kind: 'btrfs' }, 'ubuntu-24.04', without('mkfs.btrfs', 'btrfs'))).toMatch(/apt-get install -y btrfs-progs\)/);
    expect(await refusal({ ...lvm, filesystem: 'xfs' }, 'amzn-2023', without('pvcreate', 'mkfs.xfs'))).toMatch(
      /needs pvcreate, mkfs\.xfs[\s\S]*dnf install -y lvm2 xfsprogs/,
    );
    expect(await refusal({ ...lvm, filesystem: 'xfs' }, 'amzn-2', without('thin_check'))).toContain('yum install -y device-mapper-persistent-data');
    expect(await refusal({ ...lvm, filesystem: 'ext4' }, 'ubuntu-22.04', without('thin_check', 'resize2fs'))).toContain(
      'apt-get install -y thin-provisioning-tools e2fsprogs',
    );
    expect(await refusal({ ...lvm, layout: 'linear', filesystem: 'ext4' }, 'ubuntu-22.04', without('thin_check'))).toBe('accepted');
    expect(await refusal({ kind: 'ext4-static' }, 'ubuntu-24.04', without())).toBe('accepted');
  });
});

describe('install on each distribution (refusals, before anything is created)', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'ebs-autoscale-distro-'));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const install = async (name: string, hasTool: (tool: string) => Promise<boolean>, args: string[] = []) => {
    const runner = new RecordingCommandRunner();
    const out = capture();
    const paths = [
      '--config',
      join(work, 'ebs-autoscale.json'),
      '--unit-dir',
      join(work, 'systemd'),
      '--fstab',
      join(work, 'fstab'),
      '-m',
      join(work, 'scratch'),
    ];
    // As main() reports them: our errors are their message and exit 1.
    const code = await installCommand([...paths, ...args], out.io, { runner, osReleasePaths: [fixture(name)], hasTool }).catch(
      (error: Error) => (out.io.stderr.write(error.message), 1),
    );
    return { code, text: out.text(), runner };
  };

  const configFile = () => join(work, 'ebs-autoscale.json');

  it('chooses LVM on Amazon Linux 2023 by default, checks xfs and lvm2 for it, and writes nothing when they are missing', async () => {
    const { code, text, runner } = await install('amzn-2023', without('mkfs.btrfs', 'btrfs', 'lvcreate', 'xfs_growfs'));
    expect(code).toBe(1);
    expect(text).toContain('LVM thin-pool with xfs');
    expect(text).toContain('dnf install -y lvm2 xfsprogs');
    expect(existsSync(configFile())).toBe(false);
    expect(runner.calls).toEqual([]);
    expect(existsSync(join(work, 'systemd'))).toBe(false);
  });

  it('refuses an explicit btrfs configuration on Amazon Linux 2023 without writing it, so a retry with --driver lvm goes on', async () => {
    const refused = await install('amzn-2023', without('mkfs.btrfs', 'btrfs'), ['--driver', 'btrfs']);
    expect(refused.code).toBe(1);
    expect(refused.text).toContain('Amazon Linux 2023 does not package btrfs-progs');
    expect(refused.runner.calls).toEqual([]);
    expect(existsSync(configFile())).toBe(false);
    // Past the configuration to the first device, which this sandbox refuses: no EC2, no commands.
    const retry = await install('amzn-2023', without('mkfs.btrfs', 'btrfs'), ['--driver', 'lvm', '--device', '/dev/loop0', '--sys-root', join(work, 'sys')]);
    expect(retry.code).toBe(1);
    expect(retry.text).not.toContain('configures the');
    expect(retry.text).toContain('/dev/loop0 is neither an EBS volume nor NVMe instance storage');
    expect(JSON.parse(readFileSync(configFile(), 'utf8'))).toMatchObject({ driver: { kind: 'lvm' } });
    expect(retry.runner.calls).toEqual([]);
  });

  it('keeps btrfs by default on Ubuntu, and writes nothing while btrfs-progs is missing', async () => {
    const ubuntu = await install('ubuntu-24.04', without('mkfs.btrfs'));
    expect(ubuntu.code).toBe(1);
    expect(ubuntu.text).toMatch(/Ubuntu[^\n]*: btrfs\n/);
    expect(ubuntu.text).toContain('apt-get install -y btrfs-progs');
    expect(existsSync(configFile())).toBe(false);
  });

  it("refuses a --driver that contradicts an existing configuration, and one it doesn't know", async () => {
    await writeFile(configFile(), JSON.stringify({ mountpoint: join(work, 'scratch'), filesystem: 'lvm.ext4' }));
    const config = parseConfig(JSON.parse(readFileSync(join(work, 'ebs-autoscale.json'), 'utf8')));
    expect(config.driver).toMatchObject({ kind: 'lvm', layout: 'linear', filesystem: 'ext4' });
    const contradicted = await install('ubuntu-22.04', without(), ['--driver', 'btrfs']);
    expect(contradicted.code).toBe(1);
    expect(contradicted.text).toContain('configures the lvm driver, not btrfs');
    const unknown = await install('ubuntu-22.04', without(), ['--driver', 'zfs']);
    expect(unknown.code).toBe(2);
    expect(unknown.text).toContain('--driver expects one of btrfs, lvm, ext4-static');
  });
});
