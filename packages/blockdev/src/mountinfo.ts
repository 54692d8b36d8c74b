import { readFile } from 'node:fs/promises';

/** Where the kernel publishes the mount table of the reading process's mount namespace. */
export const MOUNTINFO_PATH = '/proc/self/mountinfo';

/** One line of `/proc/self/mountinfo`, the fields the drivers and the testkit need. */
export interface MountEntry {
  /** `major:minor` of the mounted device (btrfs reports an anonymous `0:N`; compare by source too). */
  readonly majorMinor: string;
  /** Where it is mounted, with the kernel's octal escapes undone (`\040` → a space). */
  readonly mountPoint: string;
  /** The filesystem type (`btrfs`, `ext4`, `tmpfs`…). */
  readonly fsType: string;
  /** The mount source, e.g. `/dev/loop3`; not always a path (`tmpfs`, `proc`). */
  readonly source: string;
  /** The per-superblock options, comma-separated as the kernel prints them. */
  readonly options: string;
  /** The per-mount options (`rw`/`ro`, `noatime`…): a bind mount can be read-only over a writable superblock. */
  readonly mountOptions: string;
}

/** The kernel escapes space, tab, newline and backslash in paths as three octal digits (`\040`). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/**
 * Parses mountinfo text (proc(5)). The fields before ` - ` are per mount and their number varies (the
 * optional `shared:N` tags), so the line is split there first; after it come the per-superblock fields.
 * Lines without the separator or too short to carry the fields are skipped.
 *
 * @example
 * ```ts
 * parseMountInfo('43 27 0:39 / /mnt/my\\040data rw - btrfs /dev/loop0 rw,space_cache=v2\n');
 * // [{ majorMinor: '0:39', mountPoint: '/mnt/my data', mountOptions: 'rw', fsType: 'btrfs', source: '/dev/loop0', options: 'rw,space_cache=v2' }]
 * ```
 */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    if (left.length < 5 || right.length < 2) continue;
    entries.push({
      majorMinor: left[2] ?? '',
      mountPoint: unescape(left[4] ?? ''),
      mountOptions: left[5] ?? '',
      fsType: right[0] ?? '',
      source: unescape(right[1] ?? ''),
      options: right[2] ?? '',
    });
  }
  return entries;
}

/**
 * Reads the mount table of this process's namespace: a file read, no `findmnt` process.
 *
 * @param mountInfoPath - Default {@link MOUNTINFO_PATH}; a test passes a file of its own.
 */
export async function readMounts(mountInfoPath: string = MOUNTINFO_PATH): Promise<MountEntry[]> {
  return parseMountInfo(await readFile(mountInfoPath, 'utf8'));
}
