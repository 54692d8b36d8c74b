import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
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
import { UNIT_HEADER } from '../src/systemd/systemd-unit.js';
import { dropInPathFor, perMountUnitNameFor, TEMPLATE_NAME, unitNameFor } from '../src/systemd/unit-names.js';
import { AGENT_BIN, AgentProcess } from './helpers/agent-process.js';
import { capture, SimHost, smallConfig } from './helpers/sim-host.js';
import { tearDown } from './helpers/tear-down.js';
import { instanceArgv } from './helpers/unit-exec.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the two-mount-point lifecycle test: ${missing.join('; ')}`);

/** One mount point of the shared host: its directory and configuration file, and the commands for it. */
class Mount {
  constructor(
    readonly host: SimHost,
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
    const code = await installCommand([...this.args, '--node', process.execPath, '--bin', AGENT_BIN, '--timeout', '120'], out.io, { runner: this.host.runner });
    return { code, text: out.text() };
  }

  async uninstall(extra: readonly string[] = []): Promise<{ code: number; text: string }> {
    const out = capture();
    const code = await uninstallCommand([...this.args, ...extra], out.io, { runner: this.host.runner });
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
  const agents: AgentProcess[] = [];
  const fillers: Filler[] = [];
  let second: string | undefined;

  afterEach(async () => {
    for (const filler of fillers.splice(0)) await filler.stop().catch(() => undefined);
    // The second mount is not the host's own: unmount it before the host stops the simulator.
    if (second && host) for (let attempt = 0; attempt < 5 && (await mountSource(second)); attempt += 1) await host.runner.run('umount', [second], { allowFailure: true });
    await tearDown({ agents: agents.splice(0), host });
    [host, second] = [undefined, undefined];
  });

  it('both scale; uninstalling one leaves the other running and its volumes untouched; an old unit is retired', async () => {
    host = await SimHost.start();
    const a = new Mount(host, host.mountPoint, host.configPath);
    second = join(host.work, 'data-2');
    const b = new Mount(host, second, join(host.work, 'data-2.json'));
    await mkdir(b.mountPoint);
    await writeFile(b.configPath, JSON.stringify(smallConfig(b.mountPoint)));
    // /scratch was installed by the previous version: its per-mount-point unit is still there.
    const old = perMountUnitNameFor(a.mountPoint);
    await mkdir(host.unitDir, { recursive: true });
    await writeFile(join(host.unitDir, old), `${UNIT_HEADER}\n[Unit]\nRequiresMountsFor=${a.mountPoint}\n[Service]\nExecStart=/bin/true\n`);

    const installedA = await a.install();
    expect(installedA.code, installedA.text).toBe(0);
    expect(installedA.text).toContain(`retired ${join(host.unitDir, old)}`);
    expect(existsSync(join(host.unitDir, old))).toBe(false);
    const installedB = await b.install();
    expect(installedB.code, installedB.text).toBe(0);
    const [unitA, unitB] = [unitNameFor(a.mountPoint), unitNameFor(b.mountPoint)];
    expect(unitA).not.toBe(unitB);
    expect(unitB).toBe(`ebs-autoscale@${join(host.work, 'data-2').slice(1).replaceAll('-', '\\x2d').replaceAll('/', '-')}.service`);
    // The old unit is stopped before the instance starts, and removed after; B touches only its own instance.
    expect(host.runner.systemctl).toEqual([['daemon-reload'], ['disable', '--now', old], ['enable', '--now', unitA], ['daemon-reload'], ['daemon-reload'], ['enable', '--now', unitB]]);
    expect(installedB.text).not.toContain(`wrote ${join(host.unitDir, TEMPLATE_NAME)}`);
    for (const mount of [a, b]) expect(readFileSync(dropInPathFor(host.unitDir, mount.mountPoint), 'utf8')).toContain(`--config ${mount.configPath} `);

    // What systemd would start for each instance, and both scale up under their own writer.
    for (const mount of [a, b]) {
      const agent = AgentProcess.start(instanceArgv(host.unitDir, mount.mountPoint));
      agents.push(agent);
      await agent.waitForEvent('agent:ready');
    }
    for (const mount of [a, b]) fillers.push(new Filler(mount.mountPoint, 12 * MIB));
    for (const filler of fillers) filler.start();
    await Promise.all(agents.map((agent) => agent.waitForEvent('scale:complete', { timeoutMs: 120_000 })));
    for (const filler of fillers.splice(0)) await filler.stop();
    for (const mount of [a, b]) expect(mount.volumes().length, mount.mountPoint).toBeGreaterThanOrEqual(2);

    // `status` without a mount point lists both, each running.
    const runDir = host.runDir;
    const listed = capture();
    const statusArgs = ['--run-dir', runDir, '--unit-dir', host.unitDir, '--config-dir', join(host.work, 'ebs-autoscale.d')];
    await vi.waitFor(async () => {
      for (const mount of [a, b]) expect((await readStatusReport(statusFilePath(mount.mountPoint, runDir)))?.running).toBe(true);
    });
    expect(await statusCommand(statusArgs, listed.io), listed.text()).toBe(0);
    for (const [mount, unit] of [[a, unitA], [b, unitB]] as const) expect(listed.text()).toMatch(new RegExp(`^${mount.mountPoint} +running \\(PID \\d+\\) .* ${unit.replaceAll('\\', '\\\\')}$`, 'm'));
    const json = capture();
    expect(await statusCommand([...statusArgs, '--json'], json.io)).toBe(0);
    // Sorted by mount point: data-2 before scratch.
    expect((JSON.parse(json.text()) as { mountPoint: string }[]).filter((entry) => [a.mountPoint, b.mountPoint].includes(entry.mountPoint))).toEqual(
      [b, a].map((mount) => expect.objectContaining({ mountPoint: mount.mountPoint, running: true, installed: true, status: expect.objectContaining({ mountPoint: mount.mountPoint }) })),
    );

    // Uninstall B: its agent stopped (as `systemctl disable --now` would), its volumes released.
    const volumesA = a.volumes();
    const [agentA, agentB] = agents as [AgentProcess, AgentProcess];
    expect(await agentB.stop('SIGTERM'), agentB.tail()).toEqual({ code: 0, signal: null });
    const calls = host.runner.systemctl.length;
    const removed = await b.uninstall(['--release-volumes', '--yes']);
    expect(removed.code, removed.text).toBe(0);
    expect(removed.text).toContain(`kept ${join(host.unitDir, TEMPLATE_NAME)}: ${unitA} still runs it`);
    expect(host.runner.systemctl.slice(calls)).toEqual([['disable', '--now', unitB], ['daemon-reload']]);
    expect(b.volumes()).toEqual([]);
    expect(await mountSource(b.mountPoint)).toBeUndefined();
    expect(existsSync(dropInPathFor(host.unitDir, b.mountPoint))).toBe(false);

    // A is as it was: its agent running and still reporting, its mount, fstab line, unit files and volumes untouched.
    expect(agentA.running).toBe(true);
    const after = Date.now();
    await vi.waitFor(async () => expect((await readStatusReport(statusFilePath(a.mountPoint, runDir)))!.report.writtenAt).toBeGreaterThan(after), { timeout: 30_000, interval: 250 });
    expect(a.volumes()).toEqual(volumesA);
    expect(await mountSource(a.mountPoint)).toBeDefined();
    expect(readFileSync(host.fstab, 'utf8')).toContain(` ${a.mountPoint} `);
    expect(existsSync(join(host.unitDir, TEMPLATE_NAME))).toBe(true);
    expect(existsSync(dropInPathFor(host.unitDir, a.mountPoint))).toBe(true);

    // The last one out removes the template.
    expect(await agentA.stop('SIGTERM'), agentA.tail()).toEqual({ code: 0, signal: null });
    const last = await a.uninstall(['--release-volumes', '--yes']);
    expect(last.code, last.text).toBe(0);
    expect(last.text).toContain(`removed ${join(host.unitDir, TEMPLATE_NAME)}`);
    expect(a.volumes()).toEqual([]);
  }, 300_000);
});
