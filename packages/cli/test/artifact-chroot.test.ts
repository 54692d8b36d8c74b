// Issue 13, item 2: the x64 release artifact runs where there is no Node. A minimal Debian (debootstrap
// minbase, plus btrfs-progs for the driver) without node, the artifact unpacked into it: the commands
// people run before a host exists, then `run` against ec2-sim started outside, through one scale-up.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIB } from '@ebs-autoscale/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease } from '../../../scripts/release/build-release.mjs';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { Filler } from '../src/demo/filler.js';
import { AgentProcess } from './helpers/agent-process.js';
import { Chroot } from './helpers/chroot.js';
import { debianRootfs, whyNoDebootstrap } from './helpers/debian-rootfs.js';
import { SimHost, smallConfig } from './helpers/sim-host.js';
import { tearDown } from './helpers/tear-down.js';

const reasons = [whyNoDebootstrap(), ...(await missingPrerequisites())].filter((reason) => reason !== undefined);
if (reasons.length > 0) console.warn(`[ebs-autoscale/cli] SKIPPING the release artifact in a node-less Debian chroot: ${reasons.join('; ')}`);

describe.skipIf(reasons.length > 0)('the linux-x64 artifact in a Debian chroot without node (debootstrap, root, loop devices, btrfs)', () => {
  let out: string;
  let chroot: Chroot;
  let bin: string;
  let artifactName: string;
  let host: SimHost | undefined;
  let agent: AgentProcess | undefined;
  let filler: Filler | undefined;

  beforeAll(async () => {
    // btrfs-progs by --include: a minbase rootfs is not configured for apt inside a chroot, and the
    // driver calls mkfs.btrfs and btrfs itself.
    const rootfs = debianRootfs({ arch: 'amd64', include: ['btrfs-progs'] });
    out = mkdtempSync(join(tmpdir(), 'ebs-autoscale-release-'));
    const release = await buildRelease({ outDir: out, arches: ['x64'] });
    chroot = Chroot.create(rootfs);
    mkdirSync(join(chroot.root, 'opt'), { recursive: true });
    execFileSync('tar', ['-xzf', release.artifacts[0]!.file, '-C', join(chroot.root, 'opt')]);
    bin = `/opt/${release.name('x64')}/bin/ebs-autoscale`;
    artifactName = `${release.name('x64')}.tar.gz`;
    // The default config path, as on a host: the commands below take no --config.
    writeFileSync(join(chroot.root, 'etc/ebs-autoscale.json'), JSON.stringify(smallConfig('/var/lib/docker')));
  }, 600_000);

  afterAll(async () => {
    try {
      await parts()
        .filler?.stop()
        .catch(() => undefined);
      if (agent?.running) await agent.stop('SIGKILL');
      // The chroot's copies of the host's mounts go first: they would keep the btrfs, and the loop devices, busy.
      chroot?.close();
    } finally {
      await tearDown(parts());
      if (out) rmSync(out, { recursive: true, force: true });
    }
  });
  const parts = () => ({ filler, agents: [agent], host });

  it('has no node of its own', () => {
    expect(() => chroot.run(['sh', '-c', 'command -v node'])).toThrow();
  });

  it('runs --help, config, iam-policy and userdata', () => {
    expect(chroot.run([bin, '--help'])).toMatch(/^Usage: ebs-autoscale <command>/);
    expect(JSON.parse(chroot.run([bin, 'config']))).toMatchObject({ mountPoint: '/var/lib/docker' });
    const policy = JSON.parse(chroot.run([bin, 'iam-policy'])) as { Statement: { Action: string | string[] }[] };
    expect(policy.Statement.flatMap((statement) => statement.Action)).toContain('ec2:CreateVolume');
    expect(chroot.run([bin, 'userdata', '--artifact', `s3://bucket/${artifactName}`, '--mountpoint', '/var/lib/docker'])).toContain(
      'Content-Type: multipart/mixed',
    );
  });

  it('runs `run` against ec2-sim outside the chroot, through one scale-up', async () => {
    host = await SimHost.start();
    // install (in-process, outside) makes the btrfs on the first volume and mounts it; the agent inside
    // finds it through the bound work directory, which holds the mount, the config and the sim's /dev and /sys.
    const installed = await host.install();
    expect(installed.code, installed.text).toBe(0);
    chroot.bind(host.work);
    agent = AgentProcess.start(chroot.argv([bin, 'run', ...host.runArgs, '--json-logs']));
    await agent.waitForEvent('agent:ready', { timeoutMs: 60_000 });
    filler = new Filler(host.mountPoint, 16 * MIB);
    filler.start();
    await agent.waitForEvent('scale:complete', { timeoutMs: 120_000 });
    await filler.stop();
    expect(host.btrfsDevices()).toHaveLength(2);
    agent.kill('SIGTERM');
    expect(await agent.exited, agent.tail()).toEqual({ code: 0, signal: null });
  }, 300_000);
});
