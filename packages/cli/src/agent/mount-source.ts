import { readFile } from 'node:fs/promises';

/**
 * The device mounted at `mountPoint`, from the kernel's mount table, or undefined when nothing is
 * mounted there. `run` starts on a filesystem `install` made, so it asks the kernel rather than the
 * configuration which device that was (device names change between boots on Nitro).
 */
export async function mountSource(mountPoint: string, mountInfoPath = '/proc/self/mountinfo'): Promise<string | undefined> {
  const text = await readFile(mountInfoPath, 'utf8');
  let found: string | undefined;
  for (const line of text.split('\n')) {
    // Fields: id parent major:minor root mount-point options [optional…] - fstype source super-options
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const target = unescape(left.split(' ')[4] ?? '');
    // The last matching line wins: a later mount over the same path hides the earlier one.
    if (target === mountPoint) found = unescape(right.split(' ')[1] ?? '');
  }
  return found;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** The filesystem type mounted at `mountPoint` (`btrfs`, `ext4`, `xfs`), or undefined when nothing is. */
export async function mountFilesystemType(mountPoint: string, mountInfoPath = '/proc/self/mountinfo'): Promise<string | undefined> {
  const text = await readFile(mountInfoPath, 'utf8');
  let found: string | undefined;
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    if (unescape(left.split(' ')[4] ?? '') === mountPoint) found = right.split(' ')[0];
  }
  return found;
}
