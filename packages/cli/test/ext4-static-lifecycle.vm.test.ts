import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, realpath, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIB } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSource } from '../src/host/mount-source.js';
import { statusCommand } from '../src/cli/status-command.js';
import { Filler } from '../src/demo/filler.js';
import { toolOnPath } from '../src/host/find-tool.js';
import { dropInPathFor } from '../src/systemd/unit-names.js';
import { AgentProcess } from './helpers/agent-process.js';
import { BYTES_PER_GIB, capture, SimHost } from './helpers/sim-host.js';
import { expectAllReleased, tearDown } from './helpers/tear-down.js';

// Runs in the VM (`node scripts/vm-test.mjs packages/cli/test/ext4-static-lifecycle.vm.test.ts`): the
// driver grows ext4 with an online resize2fs, which needs CAP_SYS_RESOURCE, and the development host's
// container drops it (its CapEff lacks bit 24).
const CAP_SYS_RESOURCE = 24n;
const capEff = existsSync('/proc/self/status') ? (/CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0') : '0';
const reasons = [
  ...(process.getuid?.() === 0 ? [] : ['root']),
  ...(((BigInt(`0x${capEff}`) >> CAP_SYS_RESOURCE) & 1n) === 1n ? [] : ['CAP_SYS_RESOURCE (online resize2fs)']),
  ...((await toolOnPath('losetup')) ? [] : ['losetup']),
  ...((await toolOnPath('resize2fs')) ? [] : ['e2fsprogs (mkfs.ext4, resize2fs)']),
  ...((await toolOnPath('blockdev')) ? [] : ['blockdev']),
];
const canRun = reasons.length === 0;
if (!canRun)
  console.warn(
    `[ebs-autoscale/cli] SKIPPING the static ext4 (ext4-static) agent lifecycle: needs ${reasons.join(', ')}; run it with \`node scripts/vm-test.mjs packages/cli/test/ext4-static-lifecycle.vm.test.ts\``,
  );

/** One 2 GiB volume (256 MiB of loop file), grown by the minimum step once it is half full. */
function ext4StaticConfig(mountPoint: string): Record<string, unknown> {
  return {
    version: 1,
    mountPoint,
    driver: { kind: 'ext4-static' },
    policy: { kind: 'compatibility', initialThresholdPercent: 50, intervalSeconds: 1 },
    initialVolume: { sizeGiB: 2 },
    limits: { minVolumeGiB: 2, maxVolumeGiB: 4, maxTotalCreatedGiB: 40, maxAttachedVolumes: 8 },
  };
}

function blockdevBytes(device: string): number {
  return Number(execFileSync('blockdev', ['--getsize64', device], { encoding: 'utf8' }));
}

/** The ext4's own size as statfs reports it (df's "size"): what resize2fs changes, not the device's. */
async function filesystemBytes(mountPoint: string): Promise<number> {
  const stats = await statfs(mountPoint);
  return stats.blocks * stats.bsize;
}

describe.skipIf(!canRun)('the agent on static ext4 (VM: online resize2fs, loop devices)', () => {
  let host: SimHost | undefined;
  let agent: AgentProcess | undefined;
  let filler: Filler | undefined;

  afterEach(async () => {
    await tearDown({ filler, agents: [agent], host });
    [host, agent, filler] = [undefined, undefined, undefined];
  });

  it('install → run → fill → grow in place (ModifyVolume + resize2fs) → status → uninstall --release-volumes --yes', async () => {
    host = await SimHost.start({ config: ext4StaticConfig });
    const { mountPoint } = host;

    const installed = await host.install();
    expect(installed.code, installed.text).toBe(0);
    expect(installed.text).toContain(`created a 2 GiB volume`);
    expect(installed.text).toContain(`mounted static ext4 on ${mountPoint}`);
    // install created the one volume it will grow, tagged as ours: growing in place needs an owned volume.
    const [initial, ...others] = host.owned();
    expect(others).toHaveLength(0);
    expect(initial).toMatchObject({ sizeGiB: 2, state: 'in-use' });
    const device = initial!.loopDevice!;
    expect(await realpath((await mountSource(mountPoint))!)).toBe(device);
    expect(execFileSync('blkid', ['-s', 'TYPE', '-o', 'value', device], { encoding: 'utf8' }).trim()).toBe('ext4');
    const uuid = execFileSync('blkid', ['-s', 'UUID', '-o', 'value', device], { encoding: 'utf8' }).trim();
    expect(readFileSync(host.fstab, 'utf8')).toMatch(new RegExp(`^UUID=${uuid} ${mountPoint} ext4 noatime,nofail 0 0$`, 'm'));
    expect(readFileSync(dropInPathFor(host.unitDir, host.mountPoint), 'utf8')).toContain('--bytes-per-gib 128MiB');

    agent = AgentProcess.start(host.runArgv());
    const ready = await agent.waitForEvent('agent:ready', { timeoutMs: 120_000 });
    expect(ready.devices).toEqual([device]);
    const deviceBefore = blockdevBytes(device);
    expect(deviceBefore).toBe(2 * BYTES_PER_GIB);
    const filesystemBefore = await filesystemBytes(mountPoint);
    // Data written before the growth must read back the same after it: resize2fs grows, never reformats.
    const marker = randomBytes(1 * MIB);
    await writeFile(join(mountPoint, 'marker'), marker);

    // 4 MiB/s: the threshold (half of ~240 MiB) in about 30 s, with room left for the ModifyVolume wait.
    filler = new Filler(mountPoint, 4 * MIB);
    filler.start();
    const complete = await agent.waitForEvent('scale:complete', { timeoutMs: 240_000 });
    await filler.stop();

    // Grown in place: the same volume, the same device, bigger; no second volume was ever created.
    expect(complete).toMatchObject({ volumeId: initial!.volumeId, device });
    const grownGiB = 2 + (complete.sizeGiB as number);
    expect(host.everOwned()).toHaveLength(1);
    expect(host.owned()).toMatchObject([{ volumeId: initial!.volumeId, sizeGiB: grownGiB, loopDevice: device }]);
    expect(blockdevBytes(device)).toBe(grownGiB * BYTES_PER_GIB);
    // resize2fs filled the grown device: ext4 gained most of the added bytes (the rest is its inode tables).
    const filesystemAfter = await filesystemBytes(mountPoint);
    expect(filesystemAfter - filesystemBefore).toBeGreaterThan(0.8 * (grownGiB * BYTES_PER_GIB - deviceBefore));
    expect(complete.afterGiB as number).toBeGreaterThan(complete.beforeGiB as number);
    expect((await readFile(join(mountPoint, 'marker'))).equals(marker)).toBe(true);

    const status = capture();
    expect(await statusCommand(['--config', host.configPath, '--run-dir', host.runDir, '--json'], status.io), status.text()).toBe(0);
    const report = JSON.parse(status.text()) as {
      running: boolean;
      status: { driver: string; devices: string[]; addedVolumes: number; volumes: { volumeId: string; sizeGiB: number }[] };
    };
    expect(report).toMatchObject({ running: true, status: { driver: 'ext4-static', devices: [device], addedVolumes: 1 } });
    expect(report.status.volumes).toMatchObject([{ volumeId: initial!.volumeId, sizeGiB: grownGiB }]);

    expect(await agent.stop('SIGTERM'), agent.tail()).toEqual({ code: 0, signal: null });
    const released = await host.uninstall(['--release-volumes', '--yes']);
    expect(released.code, released.text).toBe(0);
    expect(released.text).toContain(`released ${initial!.volumeId} (${grownGiB} GiB)`);
    await expectAllReleased(host);
  }, 600_000);
});
