import { parseArgs } from 'node:util';
import { formatBytes } from '@ebs-autoscale/core';
import { DEMO_DEFAULTS } from '../demo/demo-config.js';
import { formatDemoSummary, runDemo, type DemoView } from '../demo/run-demo.js';
import { toolOnPath } from '../host/find-tool.js';
import { createAgentLogger } from '../observe/logger.js';
import { EXIT, type CliIo } from './io.js';

/** `demo`: needs root (loop devices, mount) and btrfs-progs; says so instead of failing midway. */
export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: 'string' },
      duration: { type: 'string' },
      'initial-size': { type: 'string' },
      latencies: { type: 'string' },
      fast: { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
  });
  const number = (name: string, raw: string | undefined, fallback: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!(value > 0)) throw invalidOption(`--${name} expects a positive number, got "${raw}"`);
    return value;
  };
  const rateMiBps = number('rate', values.rate, DEMO_DEFAULTS.rateMiBps);
  const durationSeconds = number('duration', values.duration, DEMO_DEFAULTS.durationSeconds);
  const initialSizeGiB = number('initial-size', values['initial-size'], DEMO_DEFAULTS.initialSizeGiB);
  const latencies = values.fast ? 'zero' : (values.latencies ?? 'quick');
  if (latencies !== 'zero' && latencies !== 'quick' && latencies !== 'realistic')
    throw invalidOption(`--latencies expects quick, realistic or zero, got "${latencies}"`);
  const missing = await missingPrerequisites();
  if (missing.length) {
    io.stderr.write(`The demo cannot run here:\n${missing.map((line) => `  - ${line}`).join('\n')}\n`);
    return EXIT.failed;
  }
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const tty = Boolean(io.stdout.isTTY);
  // The agent's log lines would scroll the display away; the event list shows the scale-ups instead.
  const logger = createAgentLogger({ level: values.verbose ? 'info' : 'warn', destination: io.stdout, human: true });
  io.stdout.write(`Filling a btrfs mount at ${rateMiBps} MiB/s for ${durationSeconds} s while the agent grows it (Ctrl-C ends early and cleans up).\n`);
  // On a terminal the bar redraws in place and each event is printed above it; elsewhere, one line each.
  const clear = tty ? '\r\x1b[K' : '';
  try {
    const summary = await runDemo({
      rateMiBps,
      durationSeconds,
      initialSizeGiB,
      latencies,
      logger,
      signal: abort.signal,
      onTick: (view) => io.stdout.write(`${clear}${formatView(view)}${tty ? '' : '\n'}`),
      onEvent: (event) => io.stdout.write(`${clear}  t=${event.atSeconds.toFixed(1).padStart(4)}s  ${event.text}\n`),
    });
    io.stdout.write(`${clear}${formatDemoSummary(summary)}`);
    return summary.fill.outOfSpaceErrors === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function invalidOption(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
}

function formatView(view: DemoView): string {
  const fraction = view.totalBytes > 0 ? view.usedBytes / view.totalBytes : 0;
  const width = 30;
  const filled = Math.min(width, Math.round(fraction * width));
  const volumes = `initial volume + ${view.volumes - 1} added${view.scaling ? ', scaling up' : ''}`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${formatBytes(view.usedBytes)} of ${formatBytes(view.totalBytes)}  ${volumes}  t=${view.elapsedSeconds.toFixed(0)}s  ENOSPC ${view.fill.outOfSpaceErrors}`;
}

/** What the demo needs that this machine lacks, in words. */
export async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('it needs root (it creates loop devices and mounts a filesystem): run it with sudo');
  for (const [tool, pkg] of [
    ['mkfs.btrfs', 'btrfs-progs'],
    ['losetup', 'util-linux'],
  ] as const) {
    if (!(await toolOnPath(tool))) missing.push(`${tool} is missing: install ${pkg} (apt-get install ${pkg} / dnf install ${pkg})`);
  }
  return missing;
}
