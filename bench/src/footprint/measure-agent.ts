import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { createExecaRunner, MIB, type CommandRunner } from '@ebs-autoscale/core';
import { startEc2Simulator } from '@ebs-autoscale/ec2-sim';
// The CLI's own install and filler, by path: the bench measures the agent, it does not re-implement
// how a mount is set up (bench/ does not depend on the CLI package, and this needs no build).
import { installCommand } from '../../../packages/cli/src/cli/install-command.ts';
import { Filler } from '../../../packages/cli/src/demo/filler.ts';
import { smallConfig } from '../../../packages/cli/test/helpers/sim-host.ts';
import { readCpu, readStatusBytes } from '../real/proc.js';
import { withoutNodeOptions } from './measure-help.js';
import type { Variant } from './variants.js';

/** One agent run: RSS after idling, and the peak RSS once it has scaled up `scaleUps` times. */
export interface AgentRun {
  readonly idleRssBytes: number;
  /** The idle RSS's anonymous part (heaps, stacks); the rest is mapped files, mostly the node binary's own pages. */
  readonly idleAnonBytes: number;
  readonly peakRssBytes: number;
  /** CPU seconds the agent used from its start to the last scale-up (user + system). */
  readonly cpuSeconds: number;
}

/** One simulated GiB is 128 MiB of loop file, as in the demo and the CLI's tests. */
const BYTES_PER_GIB = 128 * MIB;

/** Runs everything but systemctl: the bench host's systemd is not ours to change. */
const noSystemctl: CommandRunner = {
  run(command, args, options) {
    if (command === 'systemctl') return Promise.resolve({ command, args, exitCode: 0, stdout: '', stderr: '' });
    return createExecaRunner().run(command, args, options);
  },
};

/**
 * A loop-backed ec2-sim and a btrfs mount made by `install`, then `<variant> run` against them: idle
 * for `idleSeconds` (VmRSS then), then a writer fills the mount until `scaleUps` scale-ups completed
 * (VmHWM then: the peak of the whole run, idle included).
 */
export async function measureAgent(variant: Variant, options: { idleSeconds: number; scaleUps: number }): Promise<AgentRun> {
  const work = await mkdtemp(join(tmpdir(), 'ebs-autoscale-footprint-'));
  await mkdir(join(work, 'scratch'));
  const sim = await startEc2Simulator({ backing: 'loop', bytesPerGiB: BYTES_PER_GIB, stateDir: join(work, 'sim') });
  const mountPoint = join(work, 'scratch');
  const config = join(work, 'ebs-autoscale.json');
  let filler: Filler | undefined;
  let stop: (() => Promise<void>) | undefined;
  try {
    await writeFile(config, JSON.stringify(benchConfig(mountPoint, options.scaleUps)));
    const runArgs = [
      '--config',
      config,
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
      join(work, 'run'),
    ];
    const installArgs = [
      ...runArgs,
      '--unit-dir',
      join(work, 'systemd'),
      '--fstab',
      join(work, 'fstab'),
      '--node',
      process.execPath,
      '--bin',
      variant.argv.at(-1)!,
      '--timeout',
      '120',
    ];
    const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const installed = await installCommand(installArgs, { stdout: sink, stderr: sink }, { runner: noSystemctl });
    if (installed !== 0) throw new Error(`[ebs-autoscale] [bench:footprint] install exited ${installed}`);

    const child = spawn(variant.argv[0]!, [...variant.argv.slice(1), 'run', ...runArgs, '--json-logs'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: withoutNodeOptions(),
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    stop = async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    };
    const events = eventCounter(child.stdout);
    await events.until('agent:ready', 1);
    await new Promise((resolve) => setTimeout(resolve, options.idleSeconds * 1000));
    const idleRssBytes = readStatusBytes(child.pid!, 'VmRSS') ?? 0;
    const idleAnonBytes = Number(/^RssAnon:\s+(\d+) kB/m.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    filler = new Filler(mountPoint, 16 * MIB);
    filler.start();
    await events.until('scale:complete', options.scaleUps);
    const peakRssBytes = readStatusBytes(child.pid!, 'VmHWM') ?? 0;
    const cpuSeconds = readCpu(child.pid!)?.self ?? 0;
    return { idleRssBytes, idleAnonBytes, peakRssBytes, cpuSeconds };
  } finally {
    await filler?.stop().catch(() => undefined);
    await stop?.();
    await createExecaRunner().run('umount', [mountPoint], { allowFailure: true });
    await sim.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** The CLI tests' small config (one home: their smallConfig), with room for `scaleUps` volumes of 2 GiB after the first. */
function benchConfig(mountPoint: string, scaleUps: number): Record<string, unknown> {
  return smallConfig(mountPoint, { limits: { minVolumeGiB: 2, maxVolumeGiB: 4, maxTotalCreatedGiB: 50, maxAttachedVolumes: scaleUps + 3 } });
}

/** Counts the agent's JSON log events as they come; `until` resolves at the n-th of one, fails after 120 s or at exit. */
function eventCounter(stdout: NodeJS.ReadableStream) {
  const counts = new Map<string, number>();
  const waiters = new Set<() => void>();
  let closed = false;
  const lines = createInterface({ input: stdout });
  lines.on('line', (line) => {
    const event = /"event":"([^"]+)"/.exec(line)?.[1];
    if (event) counts.set(event, (counts.get(event) ?? 0) + 1);
    for (const waiter of waiters) waiter();
  });
  lines.on('close', () => ((closed = true), waiters.forEach((waiter) => waiter())));
  return {
    until: (event: string, n: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`[ebs-autoscale] [bench:footprint] no ${n}× ${event} within 120 s`)), 120_000);
        const check = () =>
          (counts.get(event) ?? 0) >= n
            ? finish()
            : closed
              ? finish(new Error(`[ebs-autoscale] [bench:footprint] the agent exited before ${n}× ${event}`))
              : undefined;
        const finish = (error?: Error) => (clearTimeout(timer), waiters.delete(check), error ? reject(error) : resolve());
        waiters.add(check);
        check();
      }),
  };
}
