import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIB } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSource } from '../src/host/mount-source.js';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { statusCommand } from '../src/cli/status-command.js';
import { Filler } from '../src/demo/filler.js';
import { systemdQuote } from '../src/systemd/systemd-quote.js';
import { dropInPathFor, instanceNameFor, TEMPLATE_NAME, unitNameFor } from '../src/systemd/unit-names.js';
import { AGENT_BIN, AgentProcess } from './helpers/agent-process.js';
import { expectAllReleased, tearDown } from './helpers/tear-down.js';
import { freePort, sampleSum, sampleValue, scrape, type PromSample } from './helpers/prometheus.js';
import { capture, SimHost, smallConfig } from './helpers/sim-host.js';
import { instanceArgv } from './helpers/unit-exec.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the install → run → uninstall test: ${missing.join('; ')}`);

interface StatusJson {
  running: boolean;
  status: { usage: { totalBytes: number; usedBytes: number }; addedVolumes: number; devices: string[]; scaling: boolean };
}

async function readStatus(host: SimHost): Promise<StatusJson> {
  const out = capture();
  expect(await statusCommand(['--config', host.configPath, '--run-dir', host.runDir, '--json'], out.io), out.text()).toBe(0);
  return JSON.parse(out.text()) as StatusJson;
}

describe.skipIf(!canRun)('install → run → fill → status → uninstall against the simulator (root, loop devices, btrfs)', () => {
  let host: SimHost | undefined;
  let agent: AgentProcess | undefined;
  let filler: Filler | undefined;

  afterEach(async () => {
    await tearDown({ filler, agents: [agent], host });
    [host, agent, filler] = [undefined, undefined, undefined];
  });

  it("runs the unit's ExecStart as a child process: scales up, reports, counts in its metrics, and releases everything at the end", async () => {
    const metricsPort = await freePort();
    host = await SimHost.start({ config: (mountPoint) => smallConfig(mountPoint, { metrics: { port: metricsPort } }) });
    const { sim, mountPoint } = host;
    const unitName = unitNameFor(mountPoint);

    const first = await host.install();
    expect(first.code, first.text).toBe(0);
    expect(unitName).toBe(`ebs-autoscale@${instanceNameFor(mountPoint)}.service`);
    const unit = readFileSync(join(host.unitDir, TEMPLATE_NAME), 'utf8');
    for (const line of [
      `ExecStart=${[process.execPath, AGENT_BIN, 'run', '--instance'].map(systemdQuote).join(' ')} %i`,
      'Restart=on-failure',
      'Wants=network-online.target',
      'After=network-online.target local-fs.target',
      'RequiresMountsFor=%f',
      'TimeoutStopSec=600',
      'WantedBy=multi-user.target',
    ]) {
      expect(unit).toContain(`${line}\n`);
    }
    // The instance's drop-in carries the sandbox and size scale install was given (and the config, away
    // from /etc), so what it starts finds the simulator's devices.
    const dropIn = readFileSync(dropInPathFor(host.unitDir, mountPoint), 'utf8');
    expect(dropIn).toContain(
      `\nExecStart=\nExecStart=${[process.execPath, AGENT_BIN, 'run', '--instance'].map(systemdQuote).join(' ')} %i ${host.runArgs.map(systemdQuote).join(' ')}\n`,
    );
    expect(host.runner.systemctl).toEqual([['daemon-reload'], ['enable', '--now', unitName]]);
    expect(await mountSource(mountPoint)).toBeDefined();
    expect(readFileSync(host.fstab, 'utf8')).toMatch(new RegExp(`^UUID=[0-9a-f-]+ ${mountPoint} btrfs \\S*nofail\\S* 0 0$`, 'm'));
    expect(host.owned()).toHaveLength(1);

    // A second install finds everything in place: no systemctl, no new volume, and it says so.
    const again = await host.install();
    expect(again.code, again.text).toBe(0);
    expect(again.text).toContain('nothing changed');
    expect(host.runner.systemctl).toHaveLength(2);
    expect(host.owned()).toHaveLength(1);
    expect(readFileSync(join(host.unitDir, TEMPLATE_NAME), 'utf8')).toBe(unit);
    expect(readFileSync(dropInPathFor(host.unitDir, mountPoint), 'utf8')).toBe(dropIn);

    // What systemd would start, word for word (NODE_OPTIONS only lets node run the TypeScript sources).
    sim.resetStats();
    agent = AgentProcess.start(instanceArgv(host.unitDir, mountPoint));
    await agent.waitForEvent('agent:ready');
    // Two throttled CreateVolume calls: retried by the provisioner, counted in the metrics.
    sim.faults.throttle({ actions: ['CreateVolume'], count: 2 });
    filler = new Filler(mountPoint, 16 * MIB);
    filler.start();
    await agent.waitForEvent('scale:complete', { timeoutMs: 90_000 });
    await filler.stop();

    // The gauges follow every sample and the status file every 5 s: wait until both saw the same sample.
    let metrics: PromSample[] = [];
    let status: StatusJson | undefined;
    const agrees = () =>
      status !== undefined &&
      sampleValue(metrics, 'ebs_autoscale_capacity_bytes') === status.status.usage.totalBytes &&
      sampleValue(metrics, 'ebs_autoscale_used_bytes') === status.status.usage.usedBytes &&
      sampleValue(metrics, 'ebs_autoscale_volumes_added') === status.status.addedVolumes &&
      // A sample taken after the scale-up, not the one before it that both may still show, nor one
      // taken mid-scale-up (the new volume already owned, its device not yet in the filesystem).
      sampleValue(metrics, 'ebs_autoscale_devices') === status.status.devices.length &&
      !status.status.scaling &&
      status.status.devices.length === host!.btrfsDevices().length;
    for (let attempt = 0; attempt < 60 && !agrees(); attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      status = await readStatus(host);
      metrics = await scrape(metricsPort);
    }
    expect(status!.running).toBe(true);
    expect(sampleValue(metrics, 'ebs_autoscale_capacity_bytes')).toBe(status!.status.usage.totalBytes);
    expect(sampleValue(metrics, 'ebs_autoscale_used_bytes')).toBe(status!.status.usage.usedBytes);
    expect(sampleValue(metrics, 'ebs_autoscale_volumes_added')).toBe(status!.status.addedVolumes);
    expect(status!.status.addedVolumes).toBeGreaterThanOrEqual(2);
    expect(sampleValue(metrics, 'ebs_autoscale_devices')).toBe(status!.status.devices.length);
    expect(status!.status.devices).toHaveLength(host.btrfsDevices().length);
    // The scale-up moved the counter and the histogram alike.
    const completed = sampleValue(metrics, 'ebs_autoscale_scale_operations_total', { outcome: 'complete' });
    expect(completed).toBeGreaterThanOrEqual(1);
    expect(sampleValue(metrics, 'ebs_autoscale_scale_duration_seconds_count')).toBe(completed);
    expect(sampleValue(metrics, 'ebs_autoscale_scale_duration_seconds_sum')).toBeGreaterThan(0);
    // Every EC2 request the simulator saw from the agent is counted, by action; the throttled ones too.
    const seen = sim.stats();
    expect(Object.keys(seen.calls)).toEqual(expect.arrayContaining(['CreateVolume', 'AttachVolume', 'DescribeVolumes']));
    for (const [action, count] of Object.entries(seen.calls)) expect(sampleSum(metrics, 'ebs_autoscale_ec2_calls_total', { action }), action).toBe(count);
    expect(seen.throttled.CreateVolume).toBe(2);
    expect(sampleValue(metrics, 'ebs_autoscale_ec2_calls_total', { action: 'CreateVolume', outcome: 'throttled' })).toBe(2);

    // SIGTERM, as `systemctl stop` sends it: a graceful stop and exit 0.
    const exit = await agent.stop('SIGTERM');
    expect(exit, agent.tail()).toEqual({ code: 0, signal: null });
    expect(agent.entries.map((entry) => entry.event)).toEqual(expect.arrayContaining(['signal', 'agent:stop', 'agent:stopped']));
    const volumes = host.owned().length;
    expect(volumes).toBe(status!.status.addedVolumes);

    // Without --release-volumes: the service goes, the data stays.
    const keep = await host.uninstall();
    expect(keep.code, keep.text).toBe(0);
    expect(keep.text).toContain('untouched');
    expect(host.runner.systemctl.slice(2)).toEqual([['disable', '--now', unitName], ['daemon-reload']]);
    expect(existsSync(join(host.unitDir, TEMPLATE_NAME))).toBe(false);
    expect(existsSync(join(host.unitDir, `${unitName}.d`))).toBe(false);
    expect(await mountSource(mountPoint)).toBeDefined();
    expect(host.owned()).toHaveLength(volumes);

    const release = await host.uninstall(['--release-volumes', '--yes']);
    expect(release.code, release.text).toBe(0);
    expect(release.text).toContain(`released ${volumes} volume(s)`);
    await expectAllReleased(host);
  }, 240_000);
});
