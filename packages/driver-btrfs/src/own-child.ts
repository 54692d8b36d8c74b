import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * The pid of this process's own child running `command` with exactly `args`, from `<procRoot>/<pid>/`
 * (`stat`'s parent pid and `cmdline`), or undefined. Only a child of this process: a `btrfs device
 * remove` someone else started is never ours to stop.
 */
export async function findOwnChild(procRoot: string, command: string, args: readonly string[]): Promise<number | undefined> {
  for (const entry of await readdir(procRoot).catch((): string[] => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const [stat, cmdline] = await Promise.all([
      readFile(join(procRoot, entry, 'stat'), 'utf8').catch(() => ''),
      readFile(join(procRoot, entry, 'cmdline'), 'utf8').catch(() => ''),
    ]);
    // stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so split after the last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent !== process.pid) continue;
    const [argv0 = '', ...rest] = cmdline.split('\0').filter((part, index, all) => index < all.length - 1 || part !== '');
    if (basename(argv0) === command && rest.length === args.length && rest.every((arg, index) => arg === args[index])) return Number(entry);
  }
  return undefined;
}
