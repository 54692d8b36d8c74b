import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveBlockDevice, type ResolvedDevice } from '@ebs-autoscale/blockdev';
import { DriverError, formatBytes } from '@ebs-autoscale/core';
import { listBtrfsDevices, readBtrfsAllocation } from './btrfs-sysfs.js';

/** What the removal checks read: the filesystem, its initial devices, and sysfs. */
export interface RemovalContext {
  readonly driver: string;
  readonly sysRoot: string;
  readonly uuid: string;
  /** The devices the filesystem was created on (the driver's `devices` option): never removed. */
  readonly initialDevices: readonly string[];
}

/**
 * The exclusive operation the kernel is running on the filesystem (`device remove`, `balance`,
 * `resize`…), or `none`, from `/sys/fs/btrfs/<UUID>/exclusive_operation` (Linux 5.10+); `none` when
 * the file is missing, and btrfs-progs then refuses a second operation itself.
 */
export async function exclusiveOperation(sysRoot: string, uuid: string): Promise<string> {
  return (await readFile(join(sysRoot, 'fs', 'btrfs', uuid, 'exclusive_operation'), 'utf8').catch(() => 'none')).trim();
}

/**
 * Checks, reading only, that `device` may be taken out of the filesystem now: it is a member
 * (`DEVICE_NOT_FOUND`), not one of the initial devices (`INVALID_ARGUMENT`: the agent removes only what
 * it added), no other exclusive operation runs (`DEVICE_IN_USE`, retryable: one removal at a time, and
 * none during a balance), and the other members can hold what is allocated on the filesystem
 * (`LIMIT_REACHED`: btrfs would otherwise move data for minutes and then fail with ENOSPC).
 */
export async function assertRemovable(context: RemovalContext, device: string): Promise<ResolvedDevice> {
  const { driver, sysRoot, uuid } = context;
  const resolved = await resolveBlockDevice(driver, device);
  const members = await listBtrfsDevices(sysRoot, uuid);
  if (!members.includes(resolved.name)) {
    throw new DriverError(driver, 'DEVICE_NOT_FOUND', `${device} is not a device of this filesystem (its devices: ${members.join(', ')}).`, {
      device,
      hint: 'Pass a device the filesystem has, as devices() lists them.',
    });
  }
  for (const initial of context.initialDevices) {
    const initialResolved = await resolveBlockDevice(driver, initial).catch(() => undefined);
    if (initialResolved?.majorMinor === resolved.majorMinor) {
      throw new DriverError(driver, 'INVALID_ARGUMENT', `${device} is an initial device of the filesystem (${initial}), which is never removed.`, {
        device,
        hint: 'Remove only a device that was added with extend().',
      });
    }
  }
  const running = await exclusiveOperation(sysRoot, uuid);
  if (running !== 'none') {
    throw new DriverError(driver, 'DEVICE_IN_USE', `The filesystem is busy with another ${running}; btrfs runs one such operation at a time.`, {
      device,
      retryable: true,
      hint: 'Try again after it has finished; nothing was changed.',
    });
  }
  const allocation = await readBtrfsAllocation(sysRoot, uuid);
  const allocated = allocation.data.diskUsed + allocation.metadata.diskUsed + allocation.system.diskUsed;
  const deviceBytes = Number(await readFile(join(sysRoot, 'fs', 'btrfs', uuid, 'devices', resolved.name, 'size'), 'utf8')) * 512;
  const remaining = allocation.deviceBytes - deviceBytes;
  if (allocated > remaining) {
    throw new DriverError(
      driver,
      'LIMIT_REACHED',
      `The other devices (${formatBytes(remaining)}) cannot hold the ${formatBytes(allocated)} in use, so ${device} cannot be removed.`,
      {
        device,
        hint: 'Free space first, or remove a smaller device; nothing was changed.',
      },
    );
  }
  return resolved;
}
