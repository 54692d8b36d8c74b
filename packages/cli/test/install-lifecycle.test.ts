import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createExecaRunner, MIB, type CommandRunner, GIB } from '@ebs-autoscale/core';
import { TAG_MOUNT_POINT } from '@ebs-autoscale/provisioner-ebs';
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent, type RunningAgent } from '../src/agent/run-agent.js';
import { mountSource } from '../src/agent/mount-source.js';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { installCommand, uninstallCommand } from '../src/cli/install-command.js';
import { statusCommand } from '../src/cli/simple-commands.js';
import { loadConfig } from '../src/config/load-config.js';
import { QUICK_LATENCIES } from '../src/demo/demo-config.js';
import { Filler } from '../src/demo/filler.js';
import { createAgentLogger } from '../src/observe/logger.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the install → run → uninstall test: ${missing.join('; ')}`);

/** Runs everything but `systemctl`, which it only records: the test host's systemd is not ours to change. */
class SystemctlRecorder implements CommandRunner {
  readonly systemctl: string[][] = [];
  private readonly real = createExecaRunner();
  run(command: string, args: readonly string[], options?: Parameters<CommandRunner['run']>[2]) {
    if (command !== 'systemctl') return this.real.run(command, args, options);
    this.systemctl.push([...args]);
    return Promise.resolve({ command, args, exitCode: 0, stdout: '', stderr: '' });
  }
}

function capture() {
  const out: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, callback) => (out.push(chunk.toString()), callback()) });
  return { io: { stdout: stream, stderr: stream }, text: () => out.join('') };
}

/** The demo's sizes (1 GiB = 128 MiB of loop file) and a policy that scales within seconds. */
function smallConfig(mountPoint: string) {
  return {
    version: 1,
    mountPoint,
    driver: { kind: 'btrfs' },
    policy: { kind: 'predictive', intervalSeconds: 0.5, initialThresholdPercent: 80, leadTimeSeconds: 3, safetyFactor: 3, rateWindowSeconds: 5, horizonSeconds: 60 },
    volume: { type: 'gp3' },
    initialVolume: { sizeGiB: 2 },
    limits: { minVolumeGiB: 2, maxVolumeGiB: 4, maxTotalCreatedGiB: 50, maxAttachedVolumes: 8 },
    logging: { level: 'info', summaryIntervalSeconds: 5 },
  };
}

describe.skipIf(!canRun)('install → run → uninstall against the simulator (root, loop devices, btrfs)', () => {
  let work: string | undefined;
  let sim: Ec2Simulator | undefined;
  let agent: RunningAgent | undefined;
  let filler: Filler | undefined;

  afterEach(async () => {
    await filler?.stop().catch(() => undefined);
    await agent?.stop().catch(() => undefined);
    const mountPoint = work && join(work, 'scratch');
    for (let attempt = 0; mountPoint && attempt < 5 && (await mountSource(mountPoint)); attempt += 1) execFileSync('umount', [mountPoint]);
    await sim?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs once, scales up, reports, keeps data without the flag, and releases everything with it', async () => {
    work = await mkdtemp(join(tmpdir(), 'ebs-autoscale-install-'));
    const mountPoint = join(work, 'scratch');
    const [config, unitDir, fstab, runDir, stateDir] = [join(work, 'ebs-autoscale.json'), join(work, 'systemd'), join(work, 'fstab'), join(work, 'run'), join(work, 'sim')];
    await mkdir(mountPoint);
    await mkdir(stateDir);
    await writeFile(config, JSON.stringify(smallConfig(mountPoint)));
    sim = await startEc2Simulator({ backing: 'loop', bytesPerGiB: 128 * MIB, stateDir, latencies: QUICK_LATENCIES });
    const simulator = sim;
    const runner = new SystemctlRecorder();
    const deps = { runner, devRoot: sim.devRoot, sysRoot: sim.sysRoot };
    const host = ['--config', config, '--unit-dir', unitDir, '--fstab', fstab, '--simulator', sim.endpoint, '--imds', sim.imdsEndpoint, '--region', sim.region, '--run-dir', runDir];
    // Ours carry the mount-point tag; the instance's root volume does not. EC2 deletes in the background
    // (`deleting`), so a volume counts as released from then on.
    const owned = () => simulator.volumes().filter((volume) => !['deleting', 'deleted'].includes(volume.state) && volume.tags[TAG_MOUNT_POINT] === mountPoint);

    const first = capture();
    expect(await installCommand([...host, '--node', '/usr/bin/node', '--bin', '/opt/ebs autoscale/bin/ebs-autoscale.js', '--timeout', '120'], first.io, deps), first.text()).toBe(0);
    const unit = readFileSync(join(unitDir, 'ebs-autoscale.service'), 'utf8');
    expect(unit).toContain(`ExecStart=/usr/bin/node "/opt/ebs autoscale/bin/ebs-autoscale.js" run --config ${config} --simulator ${sim.endpoint} --region ${sim.region} --imds ${sim.imdsEndpoint} --run-dir ${runDir}\n`);
    for (const line of ['Restart=on-failure', 'Wants=network-online.target', 'After=network-online.target local-fs.target', `RequiresMountsFor=${mountPoint}`, 'TimeoutStopSec=600', 'WantedBy=multi-user.target']) {
      expect(unit).toContain(`${line}\n`);
    }
    expect(runner.systemctl).toEqual([['daemon-reload'], ['enable', '--now', 'ebs-autoscale.service']]);
    expect(await mountSource(mountPoint)).toBeDefined();
    expect(readFileSync(fstab, 'utf8')).toMatch(new RegExp(`^UUID=[0-9a-f-]+ ${mountPoint} btrfs \\S*nofail\\S* 0 0$`, 'm'));
    expect(owned()).toHaveLength(1);

    // A second install finds everything in place: no systemctl, no new volume, and it says so.
    const again = capture();
    expect(await installCommand([...host, '--node', '/usr/bin/node', '--bin', '/opt/ebs autoscale/bin/ebs-autoscale.js'], again.io, deps)).toBe(0);
    expect(again.text()).toContain('nothing changed');
    expect(runner.systemctl).toHaveLength(2);
    expect(owned()).toHaveLength(1);
    expect(readFileSync(join(unitDir, 'ebs-autoscale.service'), 'utf8')).toBe(unit);

    // The agent as the unit would start it, in-process, on the mount install made.
    const logger = createAgentLogger({ level: 'silent', destination: capture().io.stdout, human: false });
    agent = await runAgent({ config: await loadConfig(config), logger, ec2ClientConfig: sim.clientConfig(), metadataEndpoint: sim.imdsEndpoint, devRoot: sim.devRoot, sysRoot: sim.sysRoot, runner, runDir, capacity: { pollMs: 250, timeoutMs: 60_000, minGrowthRatio: (0.5 * 128 * MIB) / GIB } });
    const running = agent;
    filler = new Filler(mountPoint, 16 * MIB);
    filler.start();
    await new Promise<void>((resolve) => {
      running.autoscaler.on('scale:complete', () => resolve());
      setTimeout(resolve, 60_000).unref();
    });
    await filler.stop();
    await agent.stop();
    expect(agent.autoscaler.status().addedVolumes).toBeGreaterThanOrEqual(1);

    const status = capture();
    expect(await statusCommand(['--config', config, '--run-dir', runDir, '--json'], status.io)).toBe(0);
    const report = JSON.parse(status.text()) as { status: { addedVolumes: number; volumes: unknown[] } };
    expect(report.status.addedVolumes).toBeGreaterThanOrEqual(1);
    expect(report.status.volumes.length).toBeGreaterThanOrEqual(2);
    const volumes = owned().length;
    expect(volumes).toBeGreaterThanOrEqual(2);

    // Without --release-volumes: the service goes, the data stays.
    const keep = capture();
    expect(await uninstallCommand(host, keep.io, deps), keep.text()).toBe(0);
    expect(keep.text()).toContain('untouched');
    expect(runner.systemctl.slice(2)).toEqual([['disable', '--now', 'ebs-autoscale.service'], ['daemon-reload']]);
    expect(existsSync(join(unitDir, 'ebs-autoscale.service'))).toBe(false);
    expect(await mountSource(mountPoint)).toBeDefined();
    expect(owned()).toHaveLength(volumes);

    const release = capture();
    expect(await uninstallCommand([...host, '--release-volumes', '--yes'], release.io, deps), release.text()).toBe(0);
    expect(release.text()).toContain(`released ${volumes} volume(s)`);
    expect(owned()).toHaveLength(0);
    expect(await mountSource(mountPoint)).toBeUndefined();
    expect(readFileSync(fstab, 'utf8')).not.toContain(mountPoint);
    await sim.settled();
    expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(stateDir);
  }, 120_000);
});
