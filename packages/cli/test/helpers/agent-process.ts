import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { staleBuilds } from '../../../../scripts/build-freshness.mjs';

/** The CLI's entry on the TypeScript sources (see fixtures/ebs-autoscale-source.ts). */
export const SOURCE_BIN = fileURLToPath(new URL('../fixtures/ebs-autoscale-source.ts', import.meta.url));

/** The built entry, what `npm install -g` puts on a host's PATH. */
export const BUILT_BIN = fileURLToPath(new URL('../../bin/ebs-autoscale.js', import.meta.url));

/**
 * The bin that child processes run, and that install writes into the unit. On the host, the sources,
 * so a test never runs a stale dist/. Inside the test VM, the built bin: Node's TypeScript transform
 * (amaro, which is WebAssembly) crashed node under qemu TCG — a V8 fatal error ("Check failed:
 * it->second.Size() > offset") killed both LVM lifecycle agents in one CI run, and a guest loop of
 * `status --help` from the sources died of SIGSEGV once in 44 starts. The built bin started 30 of 30,
 * which at that rate proves little by itself (about half of such runs would be clean); it also starts in
 * half the time (8–11 s against 14–20 s in the guest) and runs no WebAssembly, which is the suspect. The VM run
 * (scripts/vm-test.mjs) builds first when dist/ is stale, and {@link AgentProcess.start} refuses one.
 */
export const AGENT_BIN = process.env.EBS_AUTOSCALE_VM === '1' ? BUILT_BIN : SOURCE_BIN;

/**
 * What node needs to run the sources: type transforms (parameter properties), the workspace packages'
 * `source` export condition, and the `.js` → `.ts` resolve hook. As NODE_OPTIONS, so the command line
 * itself stays exactly the unit's ExecStart.
 */
export const SOURCE_NODE_OPTIONS = [
  '--experimental-transform-types',
  '--no-warnings',
  '--conditions=source',
  `--import=${fileURLToPath(new URL('../../../../scripts/resolve-ts.mjs', import.meta.url))}`,
].join(' ');

/** One JSON log line of the agent. */
export type LogEntry = Record<string, unknown> & { event?: string; msg?: string };

/**
 * The agent as a child process, its JSON log lines collected as they come. Waits take a generous
 * deadline and fail with the agent's recent output, never assert on time.
 */
export class AgentProcess {
  readonly entries: LogEntry[] = [];
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly child: ChildProcess) {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.output.push(line);
        if (line.startsWith('{')) {
          try {
            this.entries.push(JSON.parse(line) as LogEntry);
          } catch {
            // A partial line: kept in output for the failure message.
          }
        }
        for (const listener of this.listeners) listener();
      });
    }
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => (resolve({ code, signal }), this.notify())));
  }

  /** Spawns `argv[0]` with the rest; with NODE_OPTIONS when it runs the sources, after a freshness check when it runs the build. */
  static start(argv: readonly string[]): AgentProcess {
    const [command, ...args] = argv;
    if (args.includes(BUILT_BIN)) {
      const stale = staleBuilds();
      if (stale.length > 0) throw new Error(`dist/ is older than the sources in ${stale.join(', ')}: run \`pnpm build\` (scripts/vm-test.mjs does it for you)`);
    }
    // The built bin without inherited NODE_OPTIONS: a `--conditions=source` there would send it back to the sources.
    const { NODE_OPTIONS: _inherited, ...inherited } = process.env;
    const env = args.includes(SOURCE_BIN) ? { ...inherited, NODE_OPTIONS: SOURCE_NODE_OPTIONS } : inherited;
    const child = spawn(command!, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new AgentProcess(child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The first entry (from `from` on) with this `event` that matches, waiting up to `timeoutMs`. */
  async waitForEvent(event: string, options: { timeoutMs?: number; from?: number; where?: (entry: LogEntry) => boolean } = {}): Promise<LogEntry> {
    const find = () => this.entries.slice(options.from ?? 0).find((entry) => entry.event === event && (options.where?.(entry) ?? true));
    const timeoutMs = options.timeoutMs ?? 60_000;
    return new Promise<LogEntry>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found) return done(() => resolve(found));
        if (!this.running) return done(() => reject(new Error(`the agent exited before logging ${event}:\n${this.tail()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${event} within ${timeoutMs} ms:\n${this.tail()}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.kill(signal);
    return this.exited;
  }

  /** The last lines of output, for failure messages. */
  tail(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
