import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaRunner, type CommandRunner } from '@ebs-autoscale/core';
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import { createEbsProvisioner } from '@ebs-autoscale/provisioner-ebs';
import { BaselineHost } from './baseline-agent.js';
import { XvdLinks } from './device-links.js';
import { FillWriter, type FillResult } from './filler.js';
import { NamespacedAgent, type TreeCost } from './namespaced.js';
import { ourArgv, ourTriggers, type OurBuild } from './our-agent.js';
import { capacityIncreases, loggedThresholds, pairScaleUps, thresholdCrossings, usedPercent, type CapacitySample, type ScaleUpTiming } from './scale-ups.js';
import type { Fill, World } from './workloads.js';

/** One agent's figures from one run. */
export interface AgentRun {
  readonly fill: FillResult;
  readonly scaleUps: readonly ScaleUpTiming[];
  readonly volumesAdded: number;
  readonly gibAdded: number;
  readonly calls: Readonly<Record<string, number>>;
  readonly cost: TreeCost;
  readonly finalTotalBytes: number;
}

/** Both agents' figures from one run of one fill in one world. */
export interface SideBySide {
  readonly baseline: AgentRun;
  readonly ours: AgentRun;
}

/** One agent's world: its own simulator, mount and temp dir, so neither sees the other's volumes. */
interface Side {
  readonly dir: string;
  readonly mountPoint: string;
  readonly sim: Ec2Simulator;
  readonly firstVolumeId: string;
  agent?: NamespacedAgent;
}

/**
 * One run: both agents side by side, each on its own loop-backed simulator and btrfs mount of the
 * same first size, the same fill written into both at once, each mount's size polled every 100 ms
 * by the bench (statfs: what `df` shows). Everything is removed before it resolves.
 */
export async function runSideBySide(options: {
  world: World;
  fill: Fill;
  checkout: string;
  aws: string;
  ours: OurBuild;
  runner?: CommandRunner;
  log?: (line: string) => void;
}): Promise<SideBySide> {
  const { world, fill } = options;
  const runner = options.runner ?? createExecaRunner();
  const root = await mkdtemp(join(tmpdir(), 'ebs-autoscale-bench-baseline-'));
  const sides: Side[] = [];
  let links: XvdLinks | undefined;
  try {
    // The baseline: its own create-ebs-volume makes the first volume and mkfs.btrfs + mount follow, as its install.sh does.
    const b = await openSide(root, 'baseline', world);
    links = new XvdLinks(b.sim);
    const host = await BaselineHost.create({ dir: b.dir, checkout: options.checkout, sim: b.sim, world, mountPoint: b.mountPoint, aws: options.aws });
    const device = (await runOnce(host.setup, host.createVolumeArgv(world.initialSizeGiB, world.maxAttachedVolumes), host.env)).trim().split('\n').pop()!;
    if (!/^\/dev\/xvdb[a-z]$/.test(device))
      throw new Error(
        `[ebs-autoscale] [bench] the baseline's create-ebs-volume printed "${device}", not a device:\n${await readFile(host.logPath, 'utf8').catch(() => '')}`,
      );
    await runner.run('mkfs.btrfs', ['-f', '-d', 'single', device]);
    await runner.run('mount', [device, b.mountPoint]);
    sides.push({ ...b, firstVolumeId: b.sim.volumes().find((v) => v.attachment?.device === device)!.volumeId });

    // Ours: the first volume through our provisioner (so it is owned and tagged, as `install` makes it), the same mkfs and mount.
    const o = await openSide(root, 'ours', world);
    const provisioner = createEbsProvisioner({
      mountPoint: o.mountPoint,
      metadataEndpoint: o.sim.imdsEndpoint,
      ec2ClientConfig: o.sim.clientConfig(),
      devRoot: o.sim.devRoot,
      sysRoot: o.sim.sysRoot,
    });
    const first = await provisioner.provision({ sizeGiB: world.initialSizeGiB });
    await runner.run('mkfs.btrfs', ['-f', '-d', 'single', first.device]);
    await runner.run('mount', [first.device, o.mountPoint]);
    sides.push({ ...o, firstVolumeId: first.volumeId });

    for (const side of sides) side.sim.resetStats();
    const [baselineSide, oursSide] = sides as [Side, Side];
    baselineSide.agent = await NamespacedAgent.start({ argv: host.daemonArgv, env: host.env, setup: host.setup });
    oursSide.agent = await NamespacedAgent.start({
      argv: await ourArgv({ dir: oursSide.dir, sim: oursSide.sim, world, mountPoint: oursSide.mountPoint, build: options.ours }),
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    // Let both finish start-up (the baseline's first describe-volumes, our reconcile) before the fill.
    // Generous: from the sources under a loaded machine, start-up alone has taken over a minute.
    await waitFor(() => oursSide.agent!.stdout.includes('"agent:ready"'), 240_000, 'our agent to be ready');
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const polls = sides.map((side) => new CapacityPoll(side.mountPoint));
    const fills = await Promise.all(sides.map((side) => new FillWriter(side.mountPoint).run(fill)));
    // A scale-up the fill started may still be running: give it the time of a few scale-ups, then stop.
    await new Promise((resolve) => setTimeout(resolve, world.latencies === 'realistic' ? 20_000 : 8_000));
    const costs = await Promise.all(sides.map((side) => side.agent!.stop()));
    polls.forEach((poll) => poll.stop());

    const baselineLog = await readFile(host.logPath, 'utf8').catch(() => '');
    // The last run's logs, for a look when a figure is odd (the run's own dir is removed).
    const keep = join(tmpdir(), 'ebs-autoscale-bench-baseline-last');
    await mkdir(keep, { recursive: true });
    await writeFile(join(keep, 'baseline.log'), `${baselineLog}\n--- namespace stdout ---\n${baselineSide.agent.stdout}`);
    await writeFile(join(keep, 'ours.log'), oursSide.agent.stdout);
    options.log?.(`    baseline log: ${baselineLog.split('\n').filter((l) => /LOW DISK|Error|Finished|No more|Maximum/.test(l)).length} lines of interest`);
    const thresholds = loggedThresholds(baselineLog);
    const thresholdAt = (at: number) => [...thresholds].reverse().find((t) => t.at <= at)?.percent ?? 50;
    const baselineTriggers = thresholdCrossings(polls[0]!.samples, thresholdAt);
    const triggers = [baselineTriggers, ourTriggers(oursSide.agent.stdout)];
    const result = sides.map((side, i): AgentRun => {
      const added = side.sim.volumes().filter((v) => v.volumeId !== side.firstVolumeId && v.volumeId !== side.sim.instance.rootVolumeId);
      const samples = polls[i]!.samples;
      return {
        fill: fills[i]!,
        scaleUps: pairScaleUps(triggers[i]!, capacityIncreases(samples)),
        volumesAdded: added.length,
        gibAdded: added.reduce((sum, v) => sum + v.sizeGiB, 0),
        calls: side.sim.stats().calls,
        cost: costs[i]!,
        finalTotalBytes: samples[samples.length - 1]?.totalBytes ?? 0,
      };
    });
    return { baseline: result[0]!, ours: result[1]! };
  } finally {
    for (const side of sides) side.agent?.kill();
    for (const side of sides) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const { exitCode } = await runner.run('umount', [side.mountPoint], { allowFailure: true }).catch(() => ({ exitCode: 1 }));
        if (exitCode !== 0) break;
      }
    }
    await links?.close();
    for (const side of openSides.splice(0)) await side.sim.close().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
}

const openSides: { sim: Ec2Simulator }[] = [];

async function openSide(root: string, name: string, world: World): Promise<Omit<Side, 'firstVolumeId'>> {
  const dir = join(root, name);
  const mountPoint = join(dir, 'scratch');
  await mkdir(mountPoint, { recursive: true });
  await mkdir(join(dir, 'sim'));
  const sim = await startEc2Simulator({ backing: 'loop', bytesPerGiB: world.bytesPerGiB, stateDir: join(dir, 'sim'), latencies: world.latencies });
  openSides.push({ sim });
  return { dir, mountPoint, sim };
}

/** Runs argv once in a private mount namespace with `setup`; resolves its stdout, rejects on a non-zero exit. */
export async function runOnce(setup: readonly string[], argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const script = [...setup.map((line) => `${line} || exit 97`), 'exec "$@"'].join('\n');
  const child = spawn('unshare', ['--mount', '--fork', 'bash', '-c', script, 'bench-setup', ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`[ebs-autoscale] [bench] ${argv.join(' ')} exited ${String(code)}:\n${stdout}\n${stderr}`);
  return stdout;
}

/** The mount's size every 100 ms, as `df` would show it. */
class CapacityPoll {
  readonly samples: (CapacitySample & { percent: number })[] = [];
  private readonly timer: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly mountPoint: string) {
    this.timer = setInterval(() => void this.poll(), 100);
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const s = await statfs(this.mountPoint);
      const totalBytes = s.blocks * s.bsize;
      const usedBytes = (s.blocks - s.bfree) * s.bsize;
      this.samples.push({ at: Date.now(), totalBytes, usedBytes, percent: usedPercent({ usedBytes, availableBytes: s.bavail * s.bsize }) });
    } catch {
      // Unmounted at the end.
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`[ebs-autoscale] [bench] timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
