// Issue 13, item 2: the linux-arm64 artifact runs its Node and bundle under qemu-user, with the loader
// and libraries of an arm64 Debian (`qemu-aarch64-static -L`; no binfmt needed). The Node binary needs
// ld-linux-aarch64.so.1, libc, libm, libdl, libpthread, libstdc++ and libgcc_s (readelf -d): all in
// debootstrap's first stage, which unpacks without emulating anything.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease } from '../../../scripts/release/build-release.mjs';
import { BUNDLE_ENTRY } from '../../../scripts/release/bundle.mjs';
import { NODE_FLAGS } from '../../../scripts/release/launcher.mjs';
import { commandExists, debianRootfs, whyNoDebootstrap } from './helpers/debian-rootfs.js';
import { smallConfig } from './helpers/sim-host.js';

const reason =
  whyNoDebootstrap() ??
  (commandExists('qemu-aarch64-static') ? undefined : 'qemu-aarch64-static is not installed (apt-get install qemu-user-static; scripts/bootstrap.sh does)');
if (reason) console.warn(`[ebs-autoscale/cli] SKIPPING the linux-arm64 artifact under qemu-user: ${reason}`);

describe.skipIf(reason !== undefined)('the linux-arm64 artifact under qemu-aarch64-static (debootstrap --foreign, root)', () => {
  let work: string;
  let rootfs: string;
  let top: string;
  let config: string;

  beforeAll(async () => {
    rootfs = debianRootfs({ arch: 'arm64', foreign: true });
    work = mkdtempSync(join(tmpdir(), 'ebs-autoscale-arm64-'));
    const release = await buildRelease({ outDir: join(work, 'release'), arches: ['arm64'] });
    execFileSync('tar', ['-xzf', release.artifacts[0]!.file, '-C', work]);
    top = join(work, release.name('arm64'));
    config = join(work, 'ebs-autoscale.json');
    writeFileSync(config, JSON.stringify(smallConfig('/var/lib/docker')));
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /**
   * What bin/ebs-autoscale execs, under qemu: the host's sh cannot exec an arm64 binary without binfmt,
   * so the test runs the launcher's own command line (checked against the launcher's text).
   */
  const run = (args: readonly string[]) =>
    execFileSync('qemu-aarch64-static', ['-L', rootfs, join(top, 'node/bin/node'), ...NODE_FLAGS, join(top, 'lib', BUNDLE_ENTRY), ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('is an aarch64 Node with the launcher the x64 one has', () => {
    expect(execFileSync('readelf', ['-h', join(top, 'node/bin/node')], { encoding: 'utf8' })).toMatch(/Machine:\s+AArch64/);
    expect(readFileSync(join(top, 'bin/ebs-autoscale'), 'utf8')).toContain(
      `exec "$root/node/bin/node" ${NODE_FLAGS.join(' ')} "$root/lib/${BUNDLE_ENTRY}" "$@"`,
    );
  });

  it('runs --help, config and iam-policy', () => {
    expect(run(['--help'])).toMatch(/^Usage: ebs-autoscale <command>/);
    expect(JSON.parse(run(['config', '--config', config]))).toMatchObject({ mountPoint: '/var/lib/docker' });
    const policy = JSON.parse(run(['iam-policy', '--config', config])) as { Statement: { Action: string | string[] }[] };
    expect(policy.Statement.flatMap((statement) => statement.Action)).toContain('ec2:AttachVolume');
  }, 300_000);
});
