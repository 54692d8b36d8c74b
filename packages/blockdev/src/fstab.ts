import { readFile, rename, writeFile } from 'node:fs/promises';

/** One fstab line to make sure of. */
export interface FstabEntry {
  /** The filesystem UUID; the line names the device as `UUID=…`. */
  readonly uuid: string;
  /** Where to mount it; escaped on the way out, so it may contain spaces. */
  readonly mountPoint: string;
  /** The filesystem type (`btrfs`, `ext4`, `xfs`). */
  readonly fsType: string;
  /** Mount options, joined with commas. Pass `nofail` so a missing volume cannot stop the boot. */
  readonly options: readonly string[];
}

/** fstab(5) separates fields by whitespace, so a space in a path is written as `\040`. */
function escapeField(value: string): string {
  return value.replace(/[\s\\]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/**
 * Adds `UUID=… mountPoint fsType options 0 0` to the fstab at `path` unless a line for that UUID or
 * mount point is already there; returns whether it wrote. By UUID because device names (`/dev/nvme1n1`)
 * change between boots on Nitro instances. Written to a temp file beside it and renamed, so a crash
 * never leaves a half-written fstab. A missing file is created.
 *
 * @param path - The fstab to edit: `/etc/fstab`, or a file of a test's own.
 * @example
 * ```ts
 * await ensureFstabEntry('/etc/fstab', { uuid, mountPoint: '/scratch', fsType: 'btrfs', options: ['noatime', 'nofail'] });
 * ```
 */
export async function ensureFstabEntry(path: string, entry: FstabEntry): Promise<boolean> {
  const current = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const mountPoint = escapeField(entry.mountPoint);
  const present = current.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    return !line.trim().startsWith('#') && (fields[0] === `UUID=${entry.uuid}` || fields[1] === mountPoint);
  });
  if (present) return false;
  const line = `UUID=${entry.uuid} ${mountPoint} ${entry.fsType} ${entry.options.join(',')} 0 0\n`;
  const next = current === '' || current.endsWith('\n') ? `${current}${line}` : `${current}\n${line}`;
  await writeFile(`${path}.ebs-autoscale.tmp`, next, { mode: 0o644 });
  await rename(`${path}.ebs-autoscale.tmp`, path);
  return true;
}
