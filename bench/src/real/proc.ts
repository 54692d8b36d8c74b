import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Kernel clock ticks per second for /proc/<pid>/stat times. 100 on every Linux architecture Node runs on. */
const CLK_TCK = 100;

/** CPU seconds of one process from /proc/<pid>/stat: its own, and its waited-for children's. */
export interface ProcCpu {
  readonly self: number;
  readonly children: number;
}

/** Reads utime+stime and cutime+cstime of `pid`; undefined once it is gone. */
export function readCpu(pid: number): ProcCpu | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = (i: number) => Number(fields[i - 3]) / CLK_TCK;
  return { self: tick(14) + tick(15), children: tick(16) + tick(17) };
}

/** A `kB` field of /proc/<pid>/status (VmHWM: peak RSS, VmRSS: current), in bytes. */
export function readStatusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  const match = read(`/proc/${pid}/status`)?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) * 1024 : undefined;
}

/** `pid` and every descendant alive now, from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i += 1) {
    const tasks = list(`/proc/${out[i]}/task`);
    for (const tid of tasks) {
      for (const child of (read(`/proc/${out[i]}/task/${tid}/children`) ?? '').split(' ').filter(Boolean)) out.push(Number(child));
    }
  }
  return out;
}

/**
 * Polls a process tree: the peak of its summed RSS and every distinct descendant pid seen. Short-lived
 * children can slip between two polls, so the pid count is a floor, a cross-check of exact counts.
 */
export class TreeWatcher {
  peakTreeRssBytes = 0;
  readonly seen = new Set<number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly rootPid: () => number | undefined,
    intervalMs = 50,
  ) {
    this.timer = setInterval(() => this.poll(), intervalMs);
  }

  poll(): void {
    const root = this.rootPid();
    if (root === undefined) return;
    const pids = processTree(root);
    for (const pid of pids.slice(1)) this.seen.add(pid);
    const rss = pids.reduce((sum, pid) => sum + (readStatusBytes(pid, 'VmRSS') ?? 0), 0);
    this.peakTreeRssBytes = Math.max(this.peakTreeRssBytes, rss);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The machine, for every absolute figure. */
export function machineName(): string {
  return `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Linux ${os.release()}, Node ${process.version}`;
}

/** These benchmarks need loop devices and mounts: say so plainly and exit 1 when not root. */
export function requireRoot(benchmark: string): void {
  if (process.getuid?.() !== 0) {
    console.error(`bench:${benchmark} needs root (it creates loop devices and mounts a real btrfs). Run it as root, e.g. in CI or with sudo.`);
    process.exit(1);
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function list(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
