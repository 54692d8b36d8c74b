// Synchronous reads on purpose: sysfs files are small and answered from kernel memory, and this runs
// on every sample. An async readFile is four thread-pool round trips (open, fstat, read, close) per
// file; `pnpm bench:overhead` measured the async version at 0.29× the bash agent's CPU per hour.
import { readdirSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from '@ebs-autoscale/core';

/** One block-group type's figures from `/sys/fs/btrfs/<UUID>/allocation/<type>/`, bytes. */
export interface SpaceInfo {
  /** Logical bytes of the allocated chunks (what `btrfs fi usage` prints as `Size:`). */
  readonly totalBytes: number;
  /** Logical bytes used inside them (`Used:`). */
  readonly bytesUsed: number;
  /** Raw bytes the chunks take on the devices (`total × ratio`: twice for DUP). */
  readonly diskTotal: number;
  /** Raw bytes used. */
  readonly diskUsed: number;
  /** Size of the next chunk the allocator would create, logical bytes. */
  readonly chunkSize: number;
  /**
   * Logical bytes taken but not yet in `bytesUsed`: `bytes_reserved` (extents written, e.g. by
   * fdatasync through the log tree, that the next transaction commit will account), `bytes_pinned`
   * (freed, reusable only after that commit) and `bytes_readonly`. `bytes_used` catches up only at a
   * commit, every 30 s by default, so on a filesystem filling fast it lags by the whole fill of that
   * window; the kernel's own allocator counts these as used (`btrfs_space_info_used()`).
   */
  readonly bytesInFlight: number;
  /** Logical bytes promised to writes not yet allocated (`bytes_may_use`: delalloc, reservations). */
  readonly bytesMayUse: number;
}

/** Everything `usage()` needs about one btrfs filesystem, read from sysfs. */
export interface BtrfsAllocation {
  readonly data: SpaceInfo;
  readonly metadata: SpaceInfo;
  readonly system: SpaceInfo;
  /** Metadata held back for emergencies (`Global reserve`), bytes. */
  readonly globalReserve: number;
  /** Kernel names of the member devices (`loop3`, `nvme1n1`). */
  readonly deviceNames: readonly string[];
  /** Sum of the member devices' sizes, bytes (`Device size`). */
  readonly deviceBytes: number;
}

async function readNumber(path: string, fallback?: number): Promise<number> {
  try {
    const value = Number(readFileSync(path, 'utf8').trim());
    if (Number.isFinite(value)) return value;
  } catch (error) {
    if (fallback === undefined) throw error;
  }
  if (fallback !== undefined) return fallback;
  throw new Error(`${path} does not hold a number`);
}

async function readSpaceInfo(dir: string): Promise<SpaceInfo> {
  // Read in the direction bytes flow (may_use → reserved → used) and the pending counters before
  // bytes_used: the files are not one atomic snapshot, and a write that moves on between two reads is
  // then counted twice, not missed. Missing it would show free space that is not there.
  const bytesMayUse = await readNumber(join(dir, 'bytes_may_use'), 0);
  const bytesInFlight =
    (await readNumber(join(dir, 'bytes_reserved'), 0)) + (await readNumber(join(dir, 'bytes_pinned'), 0)) + (await readNumber(join(dir, 'bytes_readonly'), 0));
  const bytesUsed = await readNumber(join(dir, 'bytes_used'));
  const totalBytes = await readNumber(join(dir, 'total_bytes'));
  return {
    totalBytes,
    bytesUsed,
    // disk_total/disk_used arrived in Linux 5.x; before that, the raw figures follow from the profile.
    diskTotal: await readNumber(join(dir, 'disk_total'), totalBytes),
    diskUsed: await readNumber(join(dir, 'disk_used'), 0),
    // chunk_size arrived in Linux 6.0; 256 MiB is the metadata chunk size below 50 GiB, 1 GiB for data.
    chunkSize: await readNumber(join(dir, 'chunk_size'), 256 * 1024 * 1024),
    bytesInFlight,
    bytesMayUse,
  };
}

/**
 * Reads a mounted btrfs filesystem's allocation from `<sysRoot>/fs/btrfs/<uuid>/`. These are the very
 * counters `btrfs filesystem usage -b --raw` prints (it gets them from the same kernel space_info via
 * an ioctl); reading files instead means no process per sample. Device sizes come from each member's
 * block device (`devices/<name>/size`, in 512-byte sectors), as btrfs's own `total_bytes` per device is
 * not exported in sysfs.
 */
export async function readBtrfsAllocation(sysRoot: string, uuid: string): Promise<BtrfsAllocation> {
  const root = join(sysRoot, 'fs', 'btrfs', uuid);
  const allocation = join(root, 'allocation');
  const deviceNames = await listBtrfsDevices(sysRoot, uuid);
  let deviceBytes = 0;
  for (const name of deviceNames) deviceBytes += (await readNumber(join(root, 'devices', name, 'size'))) * 512;
  return {
    data: await readSpaceInfo(join(allocation, 'data')),
    metadata: await readSpaceInfo(join(allocation, 'metadata')),
    system: await readSpaceInfo(join(allocation, 'system')),
    globalReserve: await readNumber(join(allocation, 'global_rsv_size'), 0),
    deviceNames,
    deviceBytes,
  };
}

/** Kernel names of a mounted filesystem's member devices, sorted. */
export async function listBtrfsDevices(sysRoot: string, uuid: string): Promise<string[]> {
  return readdirSync(join(sysRoot, 'fs', 'btrfs', uuid, 'devices')).sort();
}

/**
 * The btrfs device ids (devids) of a mounted filesystem's members, ascending: the names under
 * `/sys/fs/btrfs/<UUID>/devinfo/` (Linux 5.6+). Without that directory, from `btrfs filesystem show
 * --raw` of the mount point.
 */
export async function listBtrfsDevids(sysRoot: string, uuid: string, runner: CommandRunner, mountPoint: string): Promise<number[]> {
  const names = await readdir(join(sysRoot, 'fs', 'btrfs', uuid, 'devinfo')).catch(() => undefined);
  const ids =
    names ??
    [...(await runner.run('btrfs', ['filesystem', 'show', '--raw', mountPoint])).stdout.matchAll(/^\s*devid\s+(\d+)\s/gm)].map((match) => match[1] ?? '');
  return ids
    .map(Number)
    .filter((id) => Number.isInteger(id) && id > 0)
    .sort((a, b) => a - b);
}

/** The UUID of the mounted btrfs filesystem that has the device called `name` (`loop3`), if any. */
export async function findBtrfsByDevice(sysRoot: string, name: string): Promise<string | undefined> {
  const base = join(sysRoot, 'fs', 'btrfs');
  for (const entry of await readdir(base).catch((): string[] => [])) {
    if (!/^[0-9a-f-]{36}$/.test(entry)) continue;
    const members = await readdir(join(base, entry, 'devices')).catch((): string[] => []);
    if (members.includes(name)) return entry;
  }
  return undefined;
}
