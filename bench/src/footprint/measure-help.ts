import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Variant } from './variants.js';

/** One `--help` run: wall time in seconds and peak RSS in bytes (GNU time's %M: the child's ru_maxrss). */
export interface HelpRun {
  readonly seconds: number;
  readonly peakRssBytes: number;
}

/** Runs `<variant> --help` under /usr/bin/time; the wall time is Node's clock around it, finer than time's %e. */
export function measureHelp(variant: Variant): HelpRun {
  const out = join(tmpdir(), `ebs-autoscale-footprint-time-${process.pid}`);
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, ...variant.argv, '--help'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: withoutNodeOptions(),
  });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`[ebs-autoscale] [bench:footprint] ${variant.name} --help exited ${child.status}: ${child.stderr.toString()}`);
  const peakRssBytes = Number(readFileSync(out, 'utf8').trim().split('\n').pop()) * 1024;
  rmSync(out, { force: true });
  return { seconds, peakRssBytes };
}

/** The environment without NODE_OPTIONS, which would change what is measured. */
export function withoutNodeOptions(): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return env;
}
