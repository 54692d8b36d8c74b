import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIB } from '@ebs-autoscale/core';
import { TAG_MOUNT_POINT } from '@ebs-autoscale/provisioner-ebs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountSource } from '../src/host/mount-source.js';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { installCommand, uninstallCommand } from '../src/cli/install-command.js';
import { statusCommand } from '../src/cli/status-command.js';
import { Filler } from '../src/demo/filler.js';
import { readStatusReport, statusFilePath } from '../src/run-dir/status-file.js';
import { systemdQuote } from '../src/systemd/systemd-quote.js';
import { UNIT_HEADER } from '../src/systemd/systemd-unit.js';
import { dropInPathFor, perMountUnitNameFor, TEMPLATE_NAME, unitNameFor } from '../src/systemd/unit-names.js';
import { AGENT_BIN } from './helpers/agent-process.js';
import { capture, SimHost, smallConfig } from './helpers/sim-host.js';
import { tearDown } from './helpers/tear-down.js';
import { SystemdStandIn } from './helpers/systemd-stand-in.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the two-mount-point lifecycle test: ${missing.join('; ')}`);

/** One mount point of the shared host: its directory and configuration file, and the commands for it. */
class Mount {
  constructor(
    readonly host: SimHost,
    readonly systemd: SystemdStandIn,
    readonly mountPoint: string,
    readonly configPath: string,
  ) {}

  /** The host's arguments with this mount point's configuration file. */
  get args(): string[] {
    const args = [...this.host.hostArgs];
    args[args.indexOf('--config') + 1] = this.configPath;
    return args;
  }

  async install(): Promise<{ code: number; text: string }> {
    const out = capture();
    const code = await installCommand([...this.args, '--node', process.execPath, '--bin', AGENT_BIN, '--timeout', '120'], out.io, { runner: this.systemd });
    return { code, text: out.text() };
  }

  async uninstall(extra: readonly string[] = []): Promise<{ code: number; text: string }> {
    const out = capture();
    const code = await uninstallCommand([...this.args, ...extra], out.io, { runner: this.systemd });
    return { code, text: out.text() };
  }

  /** The volumes of this mount point, by id, with their state and attachment: what "untouched" compares. */
  volumes(): string[] {
    return this.host.sim
      .volumes()
      .filter((volume) => volume.tags[TAG_MOUNT_POINT] === this.mountPoint && !['deleting', 'deleted'].includes(volume.state))
      .map((volume) => `${volume.volumeId} ${volume.state} ${volume.sizeGiB} GiB ${volume.loopDevice ?? '-'}`)
      .sort();
  }
}

describe.skipIf(!canRun)('two mount points on one host: each its own instance, config and agent (root, loop devices, btrfs)', () => {
  let host: SimHost | undefined;
  let systemd: SystemdStandIn | undefined;
  const fillers: Filler[] = [];
  let second: string | undefined;

  afterEach(async () => {
    for (const filler of fillers.splice(0)) await filler.stop().catch(() => undefined);
    for (const agent of systemd?.started ?? []) if (agent.running) await agent.stop('SIGKILL');
    // The second mount is not the host's own: unmount it before the host stops the simulator.
    if (second && host)
      for (let attempt = 0; attempt < 5 && (await mountSource(second)); attempt += 1) await host.runner.run('umount', [second], { allowFailure: true });
    await tearDown({ host });
    [host, systemd, second] = [undefined, undefined, undefined];
  });

  it('an old unit is migrated with its agent; both scale; uninstalling one leaves the other running and its volumes untouched', async () => {
    host = await SimHost.start();
    systemd = new SystemdStandIn(host.unitDir);
    const a = new Mount(host, systemd, host.mountPoint, host.configPath);
    second = join(host.work, 'data-2');
    const b = new Mount(host, systemd, second, join(host.work, 'data-2.json'));
    await mkdir(b.mountPoint);
    await writeFile(b.configPath, JSON.stringify(smallConfig(b.mountPoint)));

    // A host of the previous version: /scratch mounted on its volume, its agent running under the
    // per-mount-point unit that version wrote (ExecStart `run --config …`), and no template yet.
    const first = await a.install();
    expect(first.code, first.text).toBe(0);
    const [unitA, unitB] = [unitNameFor(a.mountPoint), unitNameFor(b.mountPoint)];
    expect(unitA).not.toBe(unitB);
    await systemd.run('systemctl', ['disable', '--now', unitA]);
    await rm(join(host.unitDir, TEMPLATE_NAME));
    await rm(join(host.unitDir, `${unitA}.d`), { recursive: true });
    const old = perMountUnitNameFor(a.mountPoint);
    const oldRun = [process.execPath, AGENT_BIN, 'run', ...a.args.slice(0, a.args.indexOf('--unit-dir'))].map(systemdQuote).join(' ');
    await writeFile(join(host.unitDir, old), `${UNIT_HEADER}\n[Unit]\nRequiresMountsFor=${a.mountPoint}\n\n[Service]\nExecStart=${oldRun}\n`);
    const oldAgent = await systemd.start(old);
    const volumesBefore = a.volumes();
    systemd.systemctl.length = 0;

    // install migrates it: the old agent stops gracefully, the instance's starts, on the same volumes.
    const migrated = await a.install();
    expect(migrated.code, migrated.text).toBe(0);
    expect(migrated.text).toContain(`retired ${join(host.unitDir, old)}`);
    expect(systemd.systemctl).toEqual([['daemon-reload'], ['disable', '--now', old], ['enable', '--now', unitA], ['daemon-reload']]);
    expect(await oldAgent.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(host.unitDir, old))).toBe(false);
    const agentA = systemd.running.get(unitA)!;
    expect(agentA.running).toBe(true);
    expect(a.volumes()).toEqual(volumesBefore);

    // B: its own config, drop-in and agent; the template stays as A's install wrote it.
    const installedB = await b.install();
    expect(installedB.code, installedB.text).toBe(0);
    expect(unitB).toBe(`ebs-autoscale@${second.slice(1).replaceAll('-', '\\x2d').replaceAll('/', '-')}.service`);
    expect(installedB.text).not.toContain(`wrote ${join(host.unitDir, TEMPLATE_NAME)}`);
    for (const mount of [a, b]) expect(readFileSync(dropInPathFor(host.unitDir, mount.mountPoint), 'utf8')).toContain(`--config ${mount.configPath} `);
    const agentB = systemd.running.get(unitB)!;
    expect(agentB.running).toBe(true);

    // Both scale up, each under its own writer.
    for (const mount of [a, b]) fillers.push(new Filler(mount.mountPoint, 12 * MIB));
    for (const filler of fillers) filler.start();
    await Promise.all([agentA, agentB].map((agent) => agent.waitForEvent('scale:complete', { timeoutMs: 120_000 })));
    for (const filler of fillers.splice(0)) await filler.stop();
    for (const mount of [a, b]) expect(mount.volumes().length, mount.mountPoint).toBeGreaterThanOrEqual(2);

    // `status` without a mount point lists both, each running.
    const runDir = host.runDir;
    const statusArgs = ['--run-dir', runDir, '--unit-dir', host.unitDir, '--config-dir', join(host.work, 'ebs-autoscale.d')];
    await vi.waitFor(async () => {
      for (const agent of [agentA, agentB])
        expect((await readStatusReport(statusFilePath(agent === agentA ? a.mountPoint : b.mountPoint, runDir)))?.report.pid).toBe(agent.pid);
    });
    const listed = capture();
    expect(await statusCommand(statusArgs, listed.io), listed.text()).toBe(0);
    for (const [mount, unit, agent] of [
      [a, unitA, agentA],
      [b, unitB, agentB],
    ] as const) {
      expect(listed.text()).toMatch(new RegExp(`^${mount.mountPoint} +running \\(PID ${agent.pid}\\) .* ${unit.replaceAll('\\', '\\\\')}$`, 'm'));
    }
    const json = capture();
    expect(await statusCommand([...statusArgs, '--json'], json.io)).toBe(0);
    // Sorted by mount point: data-2 before scratch.
    expect((JSON.parse(json.text()) as { mountPoint: string }[]).filter((entry) => [a.mountPoint, b.mountPoint].includes(entry.mountPoint))).toEqual(
      [b, a].map((mount) =>
        expect.objectContaining({
          mountPoint: mount.mountPoint,
          running: true,
          installed: true,
          status: expect.objectContaining({ mountPoint: mount.mountPoint }),
        }),
      ),
    );

    // Uninstall B: `disable --now` stops its agent, its volumes are released.
    const volumesA = a.volumes();
    const calls = systemd.systemctl.length;
    const removed = await b.uninstall(['--release-volumes', '--yes']);
    expect(removed.code, removed.text).toBe(0);
    expect(await agentB.exited).toEqual({ code: 0, signal: null });
    expect(removed.text).toContain(`kept ${join(host.unitDir, TEMPLATE_NAME)}: ${unitA} still runs it`);
    expect(systemd.systemctl.slice(calls)).toEqual([['disable', '--now', unitB], ['daemon-reload']]);
    expect(b.volumes()).toEqual([]);
    expect(await mountSource(b.mountPoint)).toBeUndefined();
    expect(existsSync(dropInPathFor(host.unitDir, b.mountPoint))).toBe(false);

    // A is as it was: its agent running and still reporting, its mount, fstab line, unit files and volumes untouched.
    expect(agentA.running).toBe(true);
    const after = Date.now();
    await vi.waitFor(async () => expect((await readStatusReport(statusFilePath(a.mountPoint, runDir)))!.report.writtenAt).toBeGreaterThan(after), {
      timeout: 30_000,
      interval: 250,
    });
    expect(a.volumes()).toEqual(volumesA);
    expect(await mountSource(a.mountPoint)).toBeDefined();
    expect(readFileSync(host.fstab, 'utf8')).toContain(` ${a.mountPoint} `);
    expect(existsSync(join(host.unitDir, TEMPLATE_NAME))).toBe(true);
    expect(existsSync(dropInPathFor(host.unitDir, a.mountPoint))).toBe(true);

    // The last one out stops its agent and removes the template.
    const last = await a.uninstall(['--release-volumes', '--yes']);
    expect(last.code, last.text).toBe(0);
    expect(await agentA.exited).toEqual({ code: 0, signal: null });
    expect(last.text).toContain(`removed ${join(host.unitDir, TEMPLATE_NAME)}`);
    expect(a.volumes()).toEqual([]);
  }, 300_000);
});
