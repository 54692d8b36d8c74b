import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createExecaRunner, MIB, type CommandRunner } from '@ebs-autoscale/core';
import { startEc2Simulator, type Ec2Simulator, type LatencyProfile, type SimVolumeView } from '@ebs-autoscale/ec2-sim';
import { TAG_MOUNT_POINT } from '@ebs-autoscale/provisioner-ebs';
import { mountSource } from '../../src/host/mount-source.js';
import { installCommand, uninstallCommand } from '../../src/cli/install-command.js';
import { AGENT_BIN } from './agent-process.js';

/** One simulated GiB is this much loop file, as in the demo: small, but enough for btrfs and LVM. */
export const BYTES_PER_GIB = 128 * MIB;

/** EC2's order of events at a fraction of its times, so a scale-up takes a couple of seconds. */
export const TEST_LATENCIES: Partial<LatencyProfile> = {
  create: { kind: 'uniform', minMs: 300, maxMs: 600 },
  attach: { kind: 'uniform', minMs: 250, maxMs: 600 },
  deviceAppear: { kind: 'uniform', minMs: 20, maxMs: 100 },
  detach: { kind: 'uniform', minMs: 200, maxMs: 500 },
  delete: { kind: 'uniform', minMs: 100, maxMs: 300 },
};

/** Runs everything but `systemctl`, which it only records: the test host's systemd is not ours to change. */
export class SystemctlRecorder implements CommandRunner {
  readonly systemctl: string[][] = [];
  private readonly real = createExecaRunner();
  run(command: string, args: readonly string[], options?: Parameters<CommandRunner['run']>[2]) {
    if (command !== 'systemctl') return this.real.run(command, args, options);
    this.systemctl.push([...args]);
    return Promise.resolve({ command, args, exitCode: 0, stdout: '', stderr: '' });
  }
}

/** An in-memory stdout/stderr for the in-process commands. */
export function capture() {
  const out: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, callback) => (out.push(chunk.toString()), callback()) });
  return { io: { stdout: stream, stderr: stream }, text: () => out.join('') };
}

/** The demo's sizes (1 GiB = 128 MiB of loop file) and a policy that scales within seconds. */
export function smallConfig(mountPoint: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    mountPoint,
    driver: { kind: 'btrfs' },
    policy: {
      kind: 'predictive',
      intervalSeconds: 0.5,
      initialThresholdPercent: 80,
      leadTimeSeconds: 3,
      safetyFactor: 3,
      rateWindowSeconds: 5,
      horizonSeconds: 60,
    },
    volume: { type: 'gp3' },
    initialVolume: { sizeGiB: 2 },
    limits: { minVolumeGiB: 2, maxVolumeGiB: 4, maxTotalCreatedGiB: 50, maxAttachedVolumes: 8 },
    logging: { level: 'info', summaryIntervalSeconds: 5 },
    ...extra,
  };
}

/**
 * A host for the agent in a temp directory: a loop-backed EC2 simulator, a configuration file, and
 * paths for the unit, fstab and run directory. `hostArgs` are the options every command takes to
 * live here. `close()` unmounts, stops the simulator (detaching its loop devices) and removes it all.
 */
export class SimHost {
  readonly runner = new SystemctlRecorder();
  private constructor(
    readonly work: string,
    readonly sim: Ec2Simulator,
  ) {}

  /** `config` gets the mount point and returns the configuration file's content; default {@link smallConfig}. */
  static async start(
    options: { latencies?: Partial<LatencyProfile>; config?: (mountPoint: string) => Record<string, unknown> | string } = {},
  ): Promise<SimHost> {
    const work = await mkdtemp(join(tmpdir(), 'ebs-autoscale-cli-'));
    await mkdir(join(work, 'scratch'));
    await mkdir(join(work, 'sim'));
    const sim = await startEc2Simulator({
      backing: 'loop',
      bytesPerGiB: BYTES_PER_GIB,
      stateDir: join(work, 'sim'),
      latencies: options.latencies ?? TEST_LATENCIES,
    });
    const host = new SimHost(work, sim);
    const config = (options.config ?? smallConfig)(host.mountPoint);
    await writeFile(host.configPath, typeof config === 'string' ? config : JSON.stringify(config));
    return host;
  }

  get mountPoint() {
    return join(this.work, 'scratch');
  }
  get configPath() {
    return join(this.work, 'ebs-autoscale.json');
  }
  get unitDir() {
    return join(this.work, 'systemd');
  }
  get fstab() {
    return join(this.work, 'fstab');
  }
  get runDir() {
    return join(this.work, 'run');
  }
  get stateDir() {
    return join(this.work, 'sim');
  }

  /** What every command takes to act on this host rather than the machine's: `run`'s, plus the unit and fstab. */
  get hostArgs(): string[] {
    return [...this.runArgs, '--unit-dir', this.unitDir, '--fstab', this.fstab];
  }

  /** The `run` arguments of the same world (install writes these into the unit). */
  get runArgs(): string[] {
    const { sim } = this;
    return [
      '--config',
      this.configPath,
      '--simulator',
      sim.endpoint,
      '--region',
      sim.region,
      '--imds',
      sim.imdsEndpoint,
      '--dev-root',
      sim.devRoot!,
      '--sys-root',
      sim.sysRoot!,
      '--bytes-per-gib',
      '128MiB',
      '--run-dir',
      this.runDir,
    ];
  }

  /** `node <bin> run …`: the agent as a child process (which bin: {@link AGENT_BIN}). */
  runArgv(extra: readonly string[] = []): string[] {
    return [process.execPath, AGENT_BIN, 'run', ...this.runArgs, ...extra];
  }

  async install(extra: readonly string[] = []): Promise<{ code: number; text: string }> {
    const out = capture();
    const code = await installCommand([...this.hostArgs, '--node', process.execPath, '--bin', AGENT_BIN, '--timeout', '120', ...extra], out.io, {
      runner: this.runner,
    });
    return { code, text: out.text() };
  }

  async uninstall(extra: readonly string[] = []): Promise<{ code: number; text: string }> {
    const out = capture();
    const code = await uninstallCommand([...this.hostArgs, ...extra], out.io, { runner: this.runner });
    return { code, text: out.text() };
  }

  /** Ours carry the mount-point tag; the instance's root volume does not. `deleting` counts as released. */
  owned(): SimVolumeView[] {
    return this.sim.volumes().filter((volume) => !['deleting', 'deleted'].includes(volume.state) && volume.tags[TAG_MOUNT_POINT] === this.mountPoint);
  }

  /** Every volume that ever carried our tag, deleted ones included. */
  everOwned(): SimVolumeView[] {
    return this.sim.volumes().filter((volume) => volume.tags[TAG_MOUNT_POINT] === this.mountPoint);
  }

  /** The devices of the btrfs filesystem at the mount point, as the kernel names them (`/dev/loopN`). */
  btrfsDevices(): string[] {
    const shown = execFileSync('btrfs', ['filesystem', 'show', this.mountPoint], { encoding: 'utf8' });
    return [...shown.matchAll(/\bpath (\S+)/g)].map((match) => match[1]!);
  }

  async close(): Promise<void> {
    for (let attempt = 0; attempt < 5 && (await mountSource(this.mountPoint).catch(() => undefined)); attempt += 1) {
      await this.runner.run('umount', [this.mountPoint], { allowFailure: true });
    }
    await this.sim.close();
    await rm(this.work, { recursive: true, force: true });
  }
}
