import {
  findDeviceMount,
  holdersOf,
  probeSignature,
  readMounts,
  resolveBlockDevice,
  type DeviceSignature,
  type ResolvedDevice,
} from '@ebs-autoscale/blockdev';
import { DriverError, type CommandRunner } from '@ebs-autoscale/core';
import { findBtrfsByDevice } from './btrfs-sysfs.js';

/** Where the guard looks. */
export interface GuardContext {
  readonly driver: string;
  readonly runner: CommandRunner;
  readonly sysRoot: string;
  readonly mountInfoPath: string;
}

// Signatures that mean "a member of something", not "data of some filesystem".
const MEMBER_TYPES = new Set(['btrfs', 'LVM2_member', 'linux_raid_member', 'zfs_member', 'crypto_LUKS', 'bcache']);

/**
 * Checks, in this order, that a device may be used, reading only: it is a block device
 * (`NOT_A_BLOCK_DEVICE`); it is not a member of `ownUuid` or of another mounted btrfs (`DEVICE_IN_USE`);
 * nothing mounts it (`DEVICE_MOUNTED`, from mountinfo by path and major:minor); no device-mapper or md
 * device holds it (`DEVICE_IN_USE`). Then it returns its signature for the caller to judge.
 */
export async function inspectDevice(context: GuardContext, device: string, ownUuid?: string): Promise<{ resolved: ResolvedDevice; signature: DeviceSignature }> {
  const { driver } = context;
  const resolved = await resolveBlockDevice(driver, device);
  const memberOf = await findBtrfsByDevice(context.sysRoot, resolved.name);
  if (memberOf !== undefined) {
    const whose = memberOf === ownUuid ? 'this filesystem' : `another mounted btrfs filesystem (${memberOf})`;
    throw new DriverError(driver, 'DEVICE_IN_USE', `${device} is already a member of ${whose}.`, {
      device,
      hint: 'Pass a new, blank volume; a device cannot be added twice.',
    });
  }
  const mount = await findDeviceMount(await readMounts(context.mountInfoPath), resolved);
  if (mount !== undefined) {
    throw new DriverError(driver, 'DEVICE_MOUNTED', `${device} is mounted on ${mount.mountPoint}.`, {
      device,
      hint: 'Unmount it if it is really spare, or pass another device; nothing was changed.',
    });
  }
  const holders = await holdersOf(context.sysRoot, resolved.name);
  if (holders.length > 0) {
    throw new DriverError(driver, 'DEVICE_IN_USE', `${device} is held by ${holders.join(', ')} (device-mapper or RAID).`, {
      device,
      hint: 'Pass a device nothing else uses.',
    });
  }
  return { resolved, signature: await probeSignature(context.runner, resolved.path) };
}

/** Throws the right refusal for a device that carries `signature`, which the caller did not accept. */
export function refuseSignature(driver: string, device: string, signature: DeviceSignature): never {
  const type = signature.type ?? 'unknown';
  if (MEMBER_TYPES.has(type)) {
    throw new DriverError(driver, 'DEVICE_IN_USE', `${device} belongs to a ${type} set (UUID ${signature.uuid ?? 'unknown'}).`, {
      device,
      hint: 'It may hold another filesystem\'s data; pass a new, blank volume instead.',
    });
  }
  throw new DriverError(driver, 'DEVICE_NOT_BLANK', `${device} is not blank: it holds a ${type} signature${signature.label ? ` labelled "${signature.label}"` : ''}.`, {
    device,
    hint: 'Nothing was changed. Pass a blank device, or wipe it yourself (`wipefs -a`) if its contents are really unwanted.',
  });
}
