import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaRunner, formatBytes, GIB, MIB, type CommandRunner } from '@ebs-autoscale/core';
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import type { Logger } from 'pino';
import { buildAgent } from '../agent/build-agent.js';
import { runAgent, type RunningAgent } from '../agent/run-agent.js';
import { mountSource } from '../agent/mount-source.js';
import { demoConfig } from './demo-config.js';
import { Filler, type FillStats } from './filler.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Fill rate, MiB/s. Default 40. */
  rateMiBps?: number;
  /** How long to fill, seconds. Default 30. */
  durationSeconds?: number;
  /** First volume, EBS GiB. Default 2. */
  initialSizeGiB?: number;
  /** Real bytes per simulated GiB. Default 128 MiB: small files, sizes btrfs still accepts. */
  bytesPerGiB?: number;
  /** Simulator latencies. Default `realistic` (EC2's measured create/attach times). */
  latencies?: 'zero' | 'realistic';
  logger: Logger;
  /** Called about twice a second with what to show. */
  onTick?: (view: DemoView) => void;
  /** Ends the fill early (Ctrl-C); clean-up still runs. */
  signal?: AbortSignal;
  runner?: CommandRunner;
}

/** What the live display shows. */
export interface DemoView {
  readonly elapsedSeconds: number;
  readonly totalBytes: number;
  readonly usedBytes: number;
  readonly volumes: number;
  readonly fill: Readonly<FillStats>;
}

/** The end-of-demo summary. */
export interface DemoSummary {
  readonly volumesAdded: number;
  /** Each scale-up, decision to grown filesystem, ms. */
  readonly scaleUpMs: readonly number[];
  readonly finalTotalBytes: number;
  readonly fill: Readonly<FillStats>;
  /** Where the simulator kept its loop files (removed by now), for leak checks. */
  readonly stateDir: string;
  readonly mountPoint: string;
}

/**
 * The whole demo: a loop-backed EC2 simulator, a btrfs mount on a small first volume under a temp
 * directory, the agent as `run` starts it, and a writer filling the mount. Everything it made (mount,
 * loop devices, files) is removed before it resolves, also when it fails or is aborted.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const rate = (options.rateMiBps ?? 40) * MIB;
  const bytesPerGiB = options.bytesPerGiB ?? 128 * MIB;
  const runner = options.runner ?? createExecaRunner();
  const workDir = await mkdtemp(join(tmpdir(), 'ebs-autoscale-demo-'));
  const mountPoint = join(workDir, 'scratch');
  const stateDir = join(workDir, 'sim');
  await mkdir(mountPoint);
  await mkdir(stateDir);
  let sim: Ec2Simulator | undefined;
  let agent: RunningAgent | undefined;
  let filler: Filler | undefined;
  let display: NodeJS.Timeout | undefined;
  try {
    sim = await startEc2Simulator({ backing: 'loop', bytesPerGiB, stateDir, latencies: options.latencies ?? 'realistic', runner });
    const config = demoConfig(mountPoint, options.initialSizeGiB ?? 2);
    const world = { ec2ClientConfig: sim.clientConfig(), metadataEndpoint: sim.imdsEndpoint, devRoot: sim.devRoot, sysRoot: sim.sysRoot, runner };
    // The first volume goes through the provisioner too, as `install` does, so it is owned and tagged.
    const first = await buildAgent(config, { ...world, devices: [] }).provisioner.provision({ sizeGiB: config.initialVolume.sizeGiB });
    agent = await runAgent({
      config,
      logger: options.logger,
      ...world,
      devices: [first.device],
      runDir: join(workDir, 'run'),
      // Capacity grows by real bytes, which the simulator scales down from GiB.
      capacity: { pollMs: 250, timeoutMs: 60_000, minGrowthRatio: (0.5 * bytesPerGiB) / GIB },
    });
    const scaleUpMs: number[] = [];
    agent.autoscaler.on('scale:complete', (e) => scaleUpMs.push(e.durationMs));
    filler = new Filler(mountPoint, rate);
    const started = Date.now();
    filler.start();
    const running = agent;
    const currentFiller = filler;
    display = setInterval(() => {
      const status = running.autoscaler.status();
      options.onTick?.({ elapsedSeconds: (Date.now() - started) / 1000, totalBytes: status.usage?.totalBytes ?? 0, usedBytes: status.usage?.usedBytes ?? 0, volumes: status.devices.length, fill: currentFiller.stats });
    }, 500);
    await waitFor((options.durationSeconds ?? 30) * 1000, options.signal);
    await filler.stop();
    clearInterval(display);
    const status = agent.autoscaler.status();
    return { volumesAdded: scaleUpMs.length, scaleUpMs, finalTotalBytes: status.usage?.totalBytes ?? 0, fill: { ...filler.stats }, stateDir, mountPoint };
  } finally {
    clearInterval(display);
    await filler?.stop().catch(() => undefined);
    await agent?.stop().catch((error: unknown) => options.logger.error({ err: error }, 'stopping the agent'));
    // Unmount before the simulator detaches the loop devices under the filesystem.
    for (let attempt = 0; attempt < 5 && (await mountSource(mountPoint).catch(() => undefined)); attempt += 1) {
      await runner.run('umount', [mountPoint], { allowFailure: true });
    }
    await sim?.close().catch((error: unknown) => options.logger.error({ err: error }, 'closing the simulator'));
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** One line per summary fact, for the terminal. */
export function formatDemoSummary(summary: DemoSummary): string {
  const times = summary.scaleUpMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ') || '-';
  return [
    '',
    'Demo summary',
    `  volumes added:        ${summary.volumesAdded}`,
    `  time per scale-up:    ${times}`,
    `  written:              ${formatBytes(summary.fill.writtenBytes)} in ${summary.fill.files} files`,
    `  final capacity:       ${formatBytes(summary.finalTotalBytes)}`,
    `  out-of-space errors:  ${summary.fill.outOfSpaceErrors}${summary.fill.outOfSpaceErrors === 0 ? ' (none)' : ''}`,
    '  cleaned up:           mount, loop devices and files removed',
    '',
  ].join('\n');
}

function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
