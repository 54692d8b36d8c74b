import { readFile } from 'node:fs/promises';

/** One line of `/proc/self/mountinfo`, the fields the driver needs. */
export interface MountEntry {
  /** `major:minor` of the mounted device (btrfs reports an anonymous `0:N`; compare by source too). */
  readonly majorMinor: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
  readonly options: string;
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Parses mountinfo text (proc(5)): fields before ` - ` are per mount, after it per superblock. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    entries.push({
      majorMinor: left[2] ?? '',
      mountPoint: unescape(left[4] ?? ''),
      fsType: right[0] ?? '',
      source: unescape(right[1] ?? ''),
      options: right[2] ?? '',
    });
  }
  return entries;
}

/** Reads the mount table of this process's namespace: a file read, no `findmnt` process. */
export async function readMounts(mountInfoPath: string): Promise<MountEntry[]> {
  return parseMountInfo(await readFile(mountInfoPath, 'utf8'));
}
