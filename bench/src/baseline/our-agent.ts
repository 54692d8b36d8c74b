import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import type { World } from './workloads.js';

/** The built CLI, what a host runs after `npm install -g` (not the TypeScript sources, whose transform costs CPU and memory). */
export const OUR_BIN = fileURLToPath(new URL('../../../packages/cli/bin/ebs-autoscale.js', import.meta.url));

/** `built`: {@link OUR_BIN}. `source`: the CLI's TypeScript entry through Node's type transform, as the CLI's tests run it (for a tree whose dist/ is stale). */
export type OurBuild = 'built' | 'source';

/** node and its arguments up to the CLI's own. */
export function ourEntry(build: OurBuild): string[] {
  if (build === 'built') return [process.execPath, OUR_BIN];
  return [
    process.execPath,
    '--experimental-transform-types',
    '--no-warnings',
    '--conditions=source',
    `--import=${fileURLToPath(new URL('../../../scripts/resolve-ts.mjs', import.meta.url))}`,
    fileURLToPath(new URL('../../../packages/cli/test/fixtures/ebs-autoscale-source.ts', import.meta.url)),
  ];
}

/**
 * Our configuration for the same world: the default predictive policy, the baseline's volume limits.
 * In the scaled world the free-space net is off, as in the CLI's demo: it is sized in real bytes for gp3
 * at 1000 MiB/s, which on devices of 128 MiB per GiB would keep half of every filesystem free.
 */
export function ourConfig(world: World, mountPoint: string): Record<string, unknown> {
  return {
    version: 1,
    mountPoint,
    driver: { kind: 'btrfs' },
    policy: { kind: 'predictive', ...(world.bytesPerGiB < 1024 ** 3 ? { minFreeSeconds: 0 } : {}) },
    volume: { type: 'gp3', iops: 3000, throughput: 125, encrypted: true },
    initialVolume: { sizeGiB: world.initialSizeGiB },
    limits: {
      minVolumeGiB: world.minVolumeGiB,
      maxVolumeGiB: world.maxVolumeGiB,
      maxTotalCreatedGiB: world.maxTotalGiB,
      maxAttachedVolumes: world.maxAttachedVolumes,
    },
    logging: { level: process.env.BENCH_OURS_LOG_LEVEL ?? 'info', summaryIntervalSeconds: 300 },
  };
}

/** Writes the config and returns `node <bin> run …` pointed at the simulator, with JSON logs on stdout. */
export async function ourArgv(options: { dir: string; sim: Ec2Simulator; world: World; mountPoint: string; build: OurBuild }): Promise<string[]> {
  const configPath = join(options.dir, 'ours.json');
  await writeFile(configPath, JSON.stringify(ourConfig(options.world, options.mountPoint), null, 2));
  const { sim } = options;
  return [
    ...ourEntry(options.build),
    'run',
    '--config',
    configPath,
    '--json-logs',
    '--run-dir',
    join(options.dir, 'run'),
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
    String(options.world.bytesPerGiB),
    // A scale-up in flight at the end finishes (it counts), within a minute.
    '--stop-grace',
    '60',
  ];
}

/** The times (ms since the epoch) our agent started a scale-up, from its JSON log lines. */
export function ourTriggers(stdout: string): number[] {
  const out: number[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { event?: string; time?: number | string };
      const at = typeof entry.time === 'number' ? entry.time : Date.parse(String(entry.time));
      if (entry.event === 'scale:start' && Number.isFinite(at)) out.push(at);
    } catch {
      // Not a log line.
    }
  }
  return out;
}
