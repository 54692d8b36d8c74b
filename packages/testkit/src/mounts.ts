import { readFile, stat } from 'node:fs/promises';

/** One line of `/proc/self/mountinfo`, the fields the testkit and drivers need. */
export interface MountEntry {
  /** `major:minor` of the mounted device (btrfs reports an anonymous one: compare by source too). */
  readonly majorMinor: string;
  readonly mountPoint: string;
  readonly fsType: string;
  /** The mount source, e.g. `/dev/loop3`. */
  readonly source: string;
}

/** Un-escapes mountinfo's octal escapes (`\040` is a space). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Parses mountinfo text. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    if (left.length < 5 || right.length < 2) continue;
    entries.push({ majorMinor: left[2] ?? '', mountPoint: unescape(left[4] ?? ''), fsType: right[0] ?? '', source: unescape(right[1] ?? '') });
  }
  return entries;
}

/**
 * The mounts of `device` (matched by path or by `major:minor` of its block node), or every mount when no
 * device is given. Reads `/proc/self/mountinfo`: no process spawned.
 */
export async function findMounts(device?: string, mountInfoPath = '/proc/self/mountinfo'): Promise<MountEntry[]> {
  const entries = parseMountInfo(await readFile(mountInfoPath, 'utf8'));
  if (device === undefined) return entries;
  let majorMinor: string | undefined;
  try {
    const info = await stat(device);
    if (info.isBlockDevice()) majorMinor = `${Math.floor(info.rdev / 256) & 0xfff}:${(info.rdev & 0xff) | ((info.rdev >> 12) & 0xfff00)}`;
  } catch {
    // A missing device has no mounts.
  }
  return entries.filter((entry) => entry.source === device || (majorMinor !== undefined && entry.majorMinor === majorMinor));
}
