import { readFile } from 'node:fs/promises';

/**
 * A process as the kernel tells it apart from a later one with the same PID: its start time in
 * clock ticks since boot (`/proc/<pid>/stat`, field 22). A PID alone is reused after the process exits.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTicks: string;
}

/** The identity of a running process, or undefined when there is none with this PID. */
export async function processIdentity(pid: number, procRoot = '/proc'): Promise<ProcessIdentity | undefined> {
  let stat: string;
  try {
    stat = await readFile(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = fields[19];
  if (startTicks === undefined) return undefined;
  // A zombie has exited: its parent has only not yet reaped it.
  if (fields[0] === 'Z') return undefined;
  return { pid, startTicks };
}

/** Whether the process is still the one identified (not gone, not replaced under its PID). */
export async function isSameProcess(identity: ProcessIdentity, procRoot = '/proc'): Promise<boolean> {
  const now = await processIdentity(identity.pid, procRoot);
  return now?.startTicks === identity.startTicks;
}
