import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DriverError, type CommandRunner } from '@ebs-autoscale/core';

/** What `blkid -p` found on a device: nothing, or its signature type (`btrfs`, `ext4`, `swap`, a partition table…). */
export interface DeviceSignature {
  readonly type: string | undefined;
  readonly uuid: string | undefined;
  readonly label: string | undefined;
}

/** A device path resolved to its node, with the kernel's name for it (`loop3`, `nvme1n1`). */
export interface ResolvedDevice {
  readonly path: string;
  readonly name: string;
  readonly majorMinor: string;
}

/**
 * Resolves `device` (following `/dev/disk/by-id` links) and checks it is a block device, or throws
 * `NOT_A_BLOCK_DEVICE`. A missing path and a regular file (an image instead of its loop device) both land here.
 */
export async function resolveBlockDevice(driver: string, device: string): Promise<ResolvedDevice> {
  try {
    const path = await realpath(device);
    const info = await stat(path);
    if (info.isBlockDevice()) {
      const major = Math.floor(info.rdev / 256) & 0xfff;
      const minor = (info.rdev & 0xff) | ((info.rdev >> 12) & 0xfff00);
      return { path, name: basename(path), majorMinor: `${major}:${minor}` };
    }
  } catch (error) {
    throw new DriverError(driver, 'NOT_A_BLOCK_DEVICE', `${device} does not exist.`, {
      device,
      cause: error,
      hint: 'Pass the block device path the provisioner reported (e.g. /dev/nvme1n1), after it appeared.',
    });
  }
  throw new DriverError(driver, 'NOT_A_BLOCK_DEVICE', `${device} is not a block device.`, {
    device,
    hint: 'Pass a block device such as /dev/nvme1n1; for an image file, attach it with `losetup` first.',
  });
}

/**
 * Probes the device itself (`blkid -p`: low-level superblock probing, no cache) for any filesystem,
 * RAID, LVM or partition-table signature. `blkid` exits 2 when it finds nothing: that is a blank device.
 */
export async function probeSignature(runner: CommandRunner, device: string): Promise<DeviceSignature> {
  const result = await runner.run('blkid', ['-p', '-o', 'export', device], { allowFailure: true });
  if (result.exitCode === 2) return { type: undefined, uuid: undefined, label: undefined };
  if (result.exitCode !== 0) {
    throw new DriverError('blkid', 'COMMAND_FAILED', `blkid -p ${device} failed: ${result.stderr.trim()}`, { device });
  }
  const fields = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  // A partition table is a signature too: its partitions may hold data blkid -p does not look into.
  const type = fields.get('TYPE') ?? (fields.has('PTTYPE') ? `partition table (${fields.get('PTTYPE')})` : 'unknown');
  return { type, uuid: fields.get('UUID'), label: fields.get('LABEL') };
}

/**
 * Names of the kernel devices that hold this one (device-mapper, md RAID): a device with holders is in
 * use even when it carries no signature we recognise. Reads sysfs; no process.
 */
export async function holdersOf(sysRoot: string, name: string): Promise<string[]> {
  return readdir(join(sysRoot, 'class', 'block', name, 'holders')).catch(() => []);
}
