import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaRunner, formatBytes, MIB, type CommandRunner, type UsageSnapshot } from '@ebs-autoscale/core';
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import type { Logger } from 'pino';
import { buildAgent } from '../agent/build-agent.js';
import { runAgent, type RunningAgent } from '../agent/run-agent.js';
import { mountSource } from '../host/mount-source.js';
import { scaledCapacity } from '../agent/scaled-capacity.js';
import { DEMO_DEFAULTS, demoConfig } from './demo-config.js';
import { DemoTimeline, seconds, type DemoEvent, type DemoScaleUp } from './demo-timeline.js';
import { Filler, type FillStats } from './filler.js';

/** Options of {@link runDemo}. Defaults in {@link DEMO_DEFAULTS}. */
export interface DemoOptions {
  /** Fill rate, MiB/s. */
  rateMiBps?: number;
  /** How long to fill, seconds. */
  durationSeconds?: number;
  /** First volume, EBS GiB. */
  initialSizeGiB?: number;
  /** Real bytes per simulated GiB. */
  bytesPerGiB?: number;
  /** Simulator latencies. Default `quick` (the simulator's `QUICK_LATENCIES`); `realistic` is EC2's measured times. */
  latencies?: 'zero' | 'quick' | 'realistic';
  logger: Logger;
  /** Called about twice a second with what to show. */
  onTick?: (view: DemoView) => void;
  /** Called as each scale-up starts, ends or fails. */
  onEvent?: (event: DemoEvent) => void;
  /** Ends the fill early (Ctrl-C); clean-up still runs. */
  signal?: AbortSignal;
  runner?: CommandRunner;
}

/** What the live display shows. */
export interface DemoView {
  readonly elapsedSeconds: number;
  readonly totalBytes: number;
  readonly usedBytes: number;
  /** Devices in the filesystem: the initial volume and the added ones. */
  readonly volumes: number;
  readonly scaling: boolean;
  readonly fill: Readonly<FillStats>;
}

/** The end-of-demo summary. */
export interface DemoSummary {
  /** Volumes the filesystem started on (the demo creates one). */
  readonly initialVolumes: number;
  /** Scale-ups that completed, including one that finished while the agent was stopping. */
  readonly volumesAdded: number;
  readonly scaleUps: readonly DemoScaleUp[];
  readonly events: readonly DemoEvent[];
  /** EBS volumes the agent owns at the end (initial + added), as a cross-check of the count. */
  readonly ownedVolumes: number;
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
  const rate = (options.rateMiBps ?? DEMO_DEFAULTS.rateMiBps) * MIB;
  const bytesPerGiB = options.bytesPerGiB ?? DEMO_DEFAULTS.bytesPerGiB;
  const initialSizeGiB = options.initialSizeGiB ?? DEMO_DEFAULTS.initialSizeGiB;
  const latencies = options.latencies ?? 'quick';
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
    sim = await startEc2Simulator({ backing: 'loop', bytesPerGiB, stateDir, latencies, runner });
    // Scale-ups measured in this demo: ~2.5 s with the quick latencies, 6–10 s with the realistic ones
    // (EC2 create and attach plus the provisioner's polling). The first decision needs that guess.
    const config = demoConfig(mountPoint, initialSizeGiB, latencies === 'realistic' ? 10 : 3);
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
      capacity: scaledCapacity(bytesPerGiB),
    });
    const started = Date.now();
    const timeline = new DemoTimeline(agent.autoscaler, started, options.onEvent);
    filler = new Filler(mountPoint, rate);
    filler.start();
    const running = agent;
    const currentFiller = filler;
    let last: UsageSnapshot | undefined;
    // The display reads the driver itself: the autoscaler does not sample while a scale-up runs, and
    // those seconds are the ones worth watching.
    const tick = async () => {
      last = (await running.driver.usage().catch(() => undefined)) ?? last;
      const status = running.autoscaler.status();
      options.onTick?.({
        elapsedSeconds: (Date.now() - started) / 1000,
        totalBytes: last?.totalBytes ?? 0,
        usedBytes: last ? last.totalBytes - last.availableBytes : 0,
        volumes: (await running.driver.devices().catch(() => status.devices)).length,
        scaling: status.scaling,
        fill: currentFiller.stats,
      });
    };
    display = setInterval(() => void tick(), 500);
    await waitFor((options.durationSeconds ?? DEMO_DEFAULTS.durationSeconds) * 1000, options.signal);
    await filler.stop();
    clearInterval(display);
    // Stop the agent before summing up: a scale-up in flight finishes during stop() and counts.
    await agent.stop();
    const final = await agent.driver.usage().catch(() => last);
    const status = agent.autoscaler.status();
    return {
      initialVolumes: 1,
      volumesAdded: timeline.scaleUps.length,
      scaleUps: timeline.scaleUps,
      events: timeline.events,
      ownedVolumes: status.volumes.length,
      finalTotalBytes: final?.totalBytes ?? 0,
      fill: { ...filler.stats },
      stateDir,
      mountPoint,
    };
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
  const times = summary.scaleUps.map((s) => `${seconds(s.durationMs)} (EC2 ${seconds(s.provisionMs)})`).join(', ') || '-';
  const added = summary.scaleUps.map((s) => `${s.sizeGiB} GiB`).join(' + ');
  return [
    '',
    'Demo summary',
    `  volumes:              initial volume + ${summary.volumesAdded} added${added ? ` (${added})` : ''}`,
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
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
