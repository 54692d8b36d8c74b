/**
 * The script both agents run under, as PID 1 of their own PID namespace (`unshare --pid --fork`): it
 * starts the agent (its arguments), forwards SIGTERM to it, and when the agent has exited prints the
 * CPU of the whole tree and the PIDs handed out. In a fresh PID namespace PIDs are given in order, so
 * the PID of the last subshell less the one before the agent started counts every process (and
 * thread) the agent's tree created, however short-lived; bash's `times` after `wait` holds the CPU
 * of every descendant, since each was reaped by its parent in turn. `setup` runs first (mounts),
 * outside the counts.
 */
export function namespaceInitScript(setup: readonly string[] = []): string {
  return [
    ...setup.map((line) => `${line} || exit 97`),
    'echo "STARTPID $(echo $BASHPID)"',
    '"$@" &',
    'child=$!',
    "trap 'kill -TERM $child 2>/dev/null' TERM",
    'echo "READY"',
    // `wait` returns early when the trap runs; wait again until the agent has really exited.
    'wait $child',
    'while kill -0 $child 2>/dev/null; do wait $child; done',
    'echo TIMES',
    // Not in a pipeline: a pipeline would run `times` in a fresh subshell, which reports zeros.
    'times',
    'echo "LASTPID $(echo $BASHPID)"',
  ].join('\n');
}

/** What the init script reports when its agent has exited. */
export interface NamespaceReport {
  /** CPU seconds of the agent's whole tree (the init's children, user + system). */
  readonly treeCpuSeconds: number;
  /** PIDs handed out between the agent's start and the end, the agent itself and the final subshell excluded. */
  readonly pidsAllocated: number;
}

/** Parses the init script's stdout (other lines, e.g. the agent's, may be mixed in). */
export function parseNamespaceReport(stdout: string): NamespaceReport {
  const start = Number(stdout.match(/^STARTPID (\d+)$/m)?.[1]);
  const last = Number(stdout.match(/^LASTPID (\d+)$/m)?.[1]);
  const times = stdout.match(/^TIMES\n(.*)\n(.*)$/m);
  const children = times?.[2]?.trim().split(/\s+/).map(parseTimes);
  if (!Number.isFinite(start) || !Number.isFinite(last) || !children || children.length !== 2 || children.some((v) => !Number.isFinite(v))) {
    throw new Error(`unexpected output of the namespace init:\n${stdout.slice(-2000)}`);
  }
  return { treeCpuSeconds: children[0]! + children[1]!, pidsAllocated: last - start - 2 };
}

/** bash's `times` format: `1m2.500s`. */
export function parseTimes(value: string): number {
  const match = value.match(/^(\d+)m([\d.]+)s$/);
  return match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
}

/** `value` as one shell word. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
