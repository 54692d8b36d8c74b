import { realpath } from 'node:fs/promises';
import { posix } from 'node:path';
import { ConfigError, describeValue } from './issues.js';

/**
 * The first control character in `text` (C0, DEL or C1), as `U+000A`, or undefined. None belongs in a
 * path: a newline in a mount point once became a directive of the systemd unit (issue 12, item 6).
 */
export function controlCharacterIn(text: string): string | undefined {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/**
 * What is wrong with a path of the configuration as text, or undefined. A relative path is refused
 * rather than resolved: the unit runs the agent with `/` as its working directory, so a path relative
 * to where `install` ran would name another directory there.
 */
export function pathProblem(value: string): string | undefined {
  const control = controlCharacterIn(value);
  if (control !== undefined) return `expected a path without control characters (newline, tab, NUL, …), got ${describeValue(value)} with ${control}`;
  if (!value.startsWith('/')) return `expected an absolute path (starting with /), got ${describeValue(value)}`;
  return undefined;
}

/**
 * The one spelling of a mount point: absolute, normalised (`/scratch/` and `/x/../scratch` are
 * `/scratch`) and with every symlink resolved, as the kernel will see it. The lock, the ownership tag,
 * the unit name and the status file are all derived from it, so one filesystem has one agent whatever
 * alias names it. The part that does not exist yet (install creates it) is normalised as text, as
 * `realpath -m` does. Called once, where a configuration is loaded; throws a {@link ConfigError}.
 *
 * @example
 * ```ts
 * await canonicalMountPoint('/scratch/');        // '/scratch'
 * await canonicalMountPoint('/mnt/alias/./');    // '/data' when /mnt/alias → /data
 * ```
 */
export async function canonicalMountPoint(value: string, where: { path?: string; file?: string } = {}): Promise<string> {
  const fail = (message: string) => new ConfigError([{ path: where.path ?? 'mountPoint', message }], where.file);
  const problem = pathProblem(value);
  if (problem) throw fail(problem);
  try {
    return await resolvePath(value);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ELOOP'
        ? 'has a symlink loop'
        : code === 'ENAMETOOLONG'
          ? 'is longer than the kernel allows'
          : code === 'EACCES'
            ? 'cannot be resolved (permission denied)'
            : `cannot be resolved (${code ?? String(error)})`;
    throw fail(`${JSON.stringify(value)} ${why}`);
  }
}

/** realpath of the longest existing prefix, the rest appended as normalised text. */
async function resolvePath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  const parent = await resolvePath(posix.dirname(trimmed));
  const base = posix.basename(trimmed);
  if (base === '.') return parent;
  if (base === '..') return posix.dirname(parent);
  // The parent did not exist or was not a directory, but a `..` later in the path may have led back
  // into a tree that does: resolve once more.
  const joined = posix.join(parent, base);
  return realpath(joined).catch(() => joined);
}
