import { mkdir, readFile, stat, statfs } from 'node:fs/promises';

/** What `statfs` says about a mounted filesystem, in bytes and inodes. */
export interface FilesystemStats {
  readonly totalBytes: number;
  readonly usedBytes: number;
  readonly availableBytes: number;
  readonly totalInodes: number;
  readonly freeInodes: number;
}

/**
 * The driver's view of the machine outside LVM: device numbers, mounts, statfs. Injected so unit
 * tests can describe a machine without root; {@link createSystemProbe} is the real one.
 */
export interface SystemProbe {
  /** `major:minor` of a block device, or `undefined` when `path` is missing or not a block device. */
  blockDeviceId(path: string): Promise<string | undefined>;
  /** `major:minor` of every mounted block device (the mount source), and where each is mounted. */
  mounts(): Promise<ReadonlyArray<{ readonly deviceId: string; readonly mountPoint: string }>>;
  statfs(mountPoint: string): Promise<FilesystemStats>;
  ensureDirectory(path: string): Promise<void>;
}

/** The real probe: `node:fs` and `/proc/self/mountinfo` (the `procRoot` is injectable for tests). */
export function createSystemProbe(procRoot = '/proc'): SystemProbe {
  return {
    async blockDeviceId(path) {
      try {
        const info = await stat(path);
        if (!info.isBlockDevice()) return undefined;
        return `${major(info.rdev)}:${minor(info.rdev)}`;
      } catch {
        return undefined;
      }
    },
    async mounts() {
      const text = await readFile(`${procRoot}/self/mountinfo`, 'utf8');
      // Field 3 is major:minor of the mounted device, field 5 the mount point (octal-escaped).
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const fields = line.split(' ');
          return { deviceId: fields[2] ?? '', mountPoint: unescapeMountPath(fields[4] ?? '') };
        });
    },
    async statfs(mountPoint) {
      const s = await statfs(mountPoint);
      return {
        totalBytes: s.blocks * s.bsize,
        usedBytes: (s.blocks - s.bfree) * s.bsize,
        availableBytes: s.bavail * s.bsize,
        totalInodes: s.files,
        freeInodes: s.ffree,
      };
    },
    async ensureDirectory(path) {
      await mkdir(path, { recursive: true });
    },
  };
}

// Linux's dev_t encoding (include/linux/kdev_t.h, new_decode_dev).
function major(rdev: number): number {
  return ((rdev >> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
}

function minor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
