import { parseArgs } from 'node:util';
import { formatBytes } from '@ebs-autoscale/core';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { formatDemoSummary, runDemo, type DemoView } from '../demo/run-demo.js';
import { createAgentLogger } from '../observe/logger.js';
import { EXIT, type CliIo } from './io.js';

/** `demo`: needs root (loop devices, mount) and btrfs-progs; says so instead of failing midway. */
export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { rate: { type: 'string' }, duration: { type: 'string' }, 'initial-size': { type: 'string' }, fast: { type: 'boolean' } } });
  const number = (name: string, raw: string | undefined, fallback: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!(value > 0)) throw Object.assign(new TypeError(`--${name} expects a positive number, got "${raw}"`), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
    return value;
  };
  const rateMiBps = number('rate', values.rate, 40);
  const durationSeconds = number('duration', values.duration, 30);
  const initialSizeGiB = number('initial-size', values['initial-size'], 2);
  const missing = await missingPrerequisites();
  if (missing.length) {
    io.stderr.write(`The demo cannot run here:\n${missing.map((line) => `  - ${line}`).join('\n')}\n`);
    return EXIT.failed;
  }
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const tty = Boolean(io.stdout.isTTY);
  const logger = createAgentLogger({ level: 'info', destination: io.stdout, human: true });
  io.stdout.write(`Filling a btrfs mount at ${rateMiBps} MiB/s for ${durationSeconds} s while the agent grows it (Ctrl-C ends early and cleans up).\n`);
  try {
    const summary = await runDemo({ rateMiBps, durationSeconds, initialSizeGiB, logger, signal: abort.signal, latencies: values.fast ? 'zero' : 'realistic', onTick: (view) => io.stdout.write(`${formatView(view)}${tty ? '\r' : '\n'}`) });
    io.stdout.write(formatDemoSummary(summary));
    return summary.fill.outOfSpaceErrors === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function formatView(view: DemoView): string {
  const percent = view.totalBytes > 0 ? ((view.usedBytes / view.totalBytes) * 100).toFixed(0) : '0';
  const width = 30;
  const filled = Math.min(width, Math.round((Number(percent) / 100) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent.padStart(3)}%  ${formatBytes(view.usedBytes)} of ${formatBytes(view.totalBytes)}  volumes ${view.volumes}  t=${view.elapsedSeconds.toFixed(0)}s  ENOSPC ${view.fill.outOfSpaceErrors}   `;
}

/** What the demo needs that this machine lacks, in words. */
export async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('it needs root (it creates loop devices and mounts a filesystem): run it with sudo');
  for (const [tool, pkg] of [['mkfs.btrfs', 'btrfs-progs'], ['losetup', 'util-linux']] as const) {
    if (!(await onPath(tool))) missing.push(`${tool} is missing: install ${pkg} (apt-get install ${pkg} / dnf install ${pkg})`);
  }
  return missing;
}

async function onPath(tool: string): Promise<boolean> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const found = await access(join(dir, tool), constants.X_OK).then(() => true, () => false);
    if (found) return true;
  }
  return false;
}
