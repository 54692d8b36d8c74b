import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { processTree, TreeWatcher } from '../real/proc.js';
import { namespaceInitScript, parseNamespaceReport, type NamespaceReport } from './namespace-init.js';

/** What one agent's process tree cost over a run. */
export interface TreeCost extends NamespaceReport {
  /** PIDs allocated less the threads alive at the end: processes spawned (a thread that came and went counts as one). */
  readonly processes: number;
  /** Peak of the tree's summed RSS, sampled every 50 ms. */
  readonly peakRssBytes: number;
}

/**
 * An agent as PID 1's child in its own PID namespace (and mount namespace: `setup` may bind-mount),
 * so its whole process tree is measured the same way whichever agent it is. `--kill-child`: if the
 * bench dies, the agent dies with it.
 */
export class NamespacedAgent {
  stdout = '';
  private readonly watcher: TreeWatcher;
  private readonly exited: Promise<unknown>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly initPid: number,
    readonly agentPid: number,
  ) {
    this.watcher = new TreeWatcher(() => this.agentPid);
    this.exited = once(child, 'exit');
  }

  static async start(options: {
    argv: readonly string[];
    env: NodeJS.ProcessEnv;
    setup?: readonly string[];
    onLine?: (line: string) => void;
  }): Promise<NamespacedAgent> {
    const child = spawn(
      'unshare',
      ['--pid', '--fork', '--mount', '--kill-child', 'bash', '-c', namespaceInitScript(options.setup), 'bench-init', ...options.argv],
      {
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // The agent object exists only once READY is seen; until then its output collects here.
    const holder: { agent?: NamespacedAgent } = {};
    let stdout = '';
    let partial = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        stdout += text;
        if (holder.agent) holder.agent.stdout = stdout;
        partial += text;
        const lines = partial.split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          if (line === 'READY') resolve();
          options.onLine?.(line);
        }
      });
      child.once('exit', (code) =>
        reject(new Error(`[ebs-autoscale] [bench] the agent's namespace exited (${String(code)}) before it started:\n${stdout.slice(-2000)}\n${stderr}`)),
      );
    });
    await ready;
    const initPid = processTree(child.pid!)[1];
    const agentPid = initPid === undefined ? undefined : childrenOf(initPid)[0];
    if (initPid === undefined || agentPid === undefined) throw new Error('[ebs-autoscale] [bench] cannot find the agent in its namespace');
    holder.agent = new NamespacedAgent(child, initPid, agentPid);
    holder.agent.stdout = stdout;
    return holder.agent;
  }

  /** SIGTERM to the agent (through the init), then its tree's cost once it has exited. */
  async stop(timeoutMs = 180_000): Promise<TreeCost> {
    this.watcher.poll();
    const threads = processTree(this.agentPid).reduce((sum, pid) => sum + Math.max(0, tasksOf(pid) - 1), 0);
    process.kill(this.initPid, 'SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    this.watcher.stop();
    const report = parseNamespaceReport(this.stdout);
    return { ...report, processes: Math.max(0, report.pidsAllocated - threads), peakRssBytes: this.watcher.peakTreeRssBytes };
  }

  /** Every pid in the agent's tree now (for a stop that mimics systemd's, signalling all of them). */
  tree(): number[] {
    return processTree(this.agentPid);
  }

  /** Kills the namespace outright (clean-up after a failure). */
  kill(): void {
    this.watcher.stop();
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
}

function tasksOf(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}
