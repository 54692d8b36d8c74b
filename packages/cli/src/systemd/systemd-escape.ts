import { createHash } from 'node:crypto';
import { EbsAutoscaleError } from '@ebs-autoscale/core';

/**
 * A path escaped as `systemd-escape --path` does it (systemd's `unit_name_path_escape`): slashes at
 * either end dropped, the rest turned into `-`, and every byte of the UTF-8 form outside
 * `[A-Za-z0-9:_.]` (and a leading `.`, so no name starts hidden) written as `\xNN`; the root is `-`.
 * `/scratch/a-b` becomes `scratch-a\x2db`. The path must already be canonical (see
 * `config/mount-point.ts`): systemd refuses `.`/`..` components, and so do we.
 */
export function escapeSystemdPath(path: string): string {
  const trimmed = path.replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '-';
  if (trimmed.split('/').some((part) => part === '.' || part === '..')) {
    throw new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `${JSON.stringify(path)} is not a normalised path.`, {
      hint: 'Pass the mount point through canonicalMountPoint() (config/mount-point.ts) first.',
    });
  }
  let out = '';
  const bytes = Buffer.from(trimmed, 'utf8');
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index]!;
    const char = String.fromCharCode(byte);
    if (char === '/') out += '-';
    else if (/^[A-Za-z0-9:_]$/.test(char) || (char === '.' && index > 0)) out += char;
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * The path an escaped name stands for, as systemd's `%f` gives it (`systemd-escape --unescape --path`):
 * `scratch-a\x2db` is `/scratch/a-b`, `-` is `/`. Refuses a name that {@link escapeSystemdPath} would not
 * have written (`a--b`, `-a`, `\x2f`, a bare `\`…), since that name came from outside, typed as a unit
 * instance by hand, and a second spelling of one path would be a second agent for it.
 */
export function unescapeSystemdPath(escaped: string): string {
  if (escaped === '-') return '/';
  const bytes: number[] = [];
  for (let index = 0; index < escaped.length;) {
    const hex = /^\\x([0-9a-f]{2})/.exec(escaped.slice(index, index + 4));
    if (hex) {
      bytes.push(Number.parseInt(hex[1]!, 16));
      index += 4;
    } else {
      bytes.push(...Buffer.from(escaped[index] === '-' ? '/' : escaped[index]!, 'utf8'));
      index += 1;
    }
  }
  const path = `/${Buffer.from(bytes).toString('utf8')}`;
  let again: string | undefined;
  try {
    again = escapeSystemdPath(path);
  } catch {
    again = undefined;
  }
  if (again !== escaped) {
    throw new EbsAutoscaleError(
      'install',
      'INVALID_ARGUMENT',
      `${JSON.stringify(escaped)} is not a mount point escaped as \`systemd-escape --path\` writes it.`,
      {
        hint: 'Name the instance with `systemd-escape --path <mount point>` (e.g. ebs-autoscale@var-lib-docker.service for /var/lib/docker).',
      },
    );
  }
  return path;
}

/**
 * `escaped` cut to `max` characters when longer, with a hash of the whole so two long names stay
 * apart. Unit names end at 255 characters (systemd's UNIT_NAME_MAX) and file names at 255 bytes
 * (NAME_MAX), and a mount point may be longer than either. The cut never splits a `\xNN`.
 */
export function boundedName(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  const hash = createHash('sha256').update(escaped).digest('hex').slice(0, 16);
  let head = escaped.slice(0, max - hash.length - 1);
  const partial = /\\(x[0-9a-f]?)?$/.exec(head);
  if (partial) head = head.slice(0, partial.index);
  return `${head}_${hash}`;
}
