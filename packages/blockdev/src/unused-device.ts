import { DriverError, type CommandRunner } from '@ebs-autoscale/core';
import { probeSignature, type DeviceSignature } from './device-signature.js';
import { holdersOf } from './holders.js';
import { findDeviceMount } from './mount-lookup.js';
import { MOUNTINFO_PATH, readMounts, type MountEntry } from './mountinfo.js';
import { resolveBlockDevice, type ResolvedDevice } from './resolve-block-device.js';

/** What the guard reads of the machine. Injectable, so a driver's unit tests can describe a machine without root. */
export interface DeviceProbe {
  /** Resolves a path (following `/dev/disk/by-id` links) to a block device, or throws `NOT_A_BLOCK_DEVICE`. */
  resolveBlockDevice(driver: string, path: string): Promise<ResolvedDevice>;
  /** Kernel names of the devices stacked on the device called `name` (device-mapper, md RAID). */
  holders(name: string): Promise<string[]>;
  /** Every mount of this process's namespace, as mountinfo lists them. */
  mounts(): Promise<MountEntry[]>;
}

/** The real {@link DeviceProbe}: `realpath` and `stat`, `<sysRoot>/class/block`, and `mountInfoPath`. */
export function createDeviceProbe(sysRoot = '/sys', mountInfoPath = MOUNTINFO_PATH): DeviceProbe {
  return {
    resolveBlockDevice,
    holders: (name) => holdersOf(sysRoot, name),
    mounts: () => readMounts(mountInfoPath),
  };
}

/** Options of {@link assertUnusedDevice}. */
export interface UnusedDeviceCheck {
  /** The driver name errors are reported under. */
  readonly driver: string;
  /** Runs `blkid -p`. */
  readonly runner: CommandRunner;
  readonly probe: DeviceProbe;
  /**
   * The driver's own lookup of what the device is a member of (btrfs sysfs, LVM's `pvs`), run right
   * after the device resolves: it throws its refusal (`DEVICE_IN_USE`), which names the owner better
   * than a holder or a signature would.
   */
  readonly checkMembership?: (device: string, resolved: ResolvedDevice) => Promise<void>;
  /**
   * Whether a signature found on the device is the caller's to keep (its own filesystem, on a
   * `prepare()` that finds it set up; or `force`). Default: none is; any signature refuses.
   */
  readonly acceptSignature?: (signature: DeviceSignature) => boolean;
}

/** A device {@link assertUnusedDevice} let through: the kernel-named node, and what `blkid -p` found on it. */
export interface UnusedDevice extends ResolvedDevice {
  readonly signature: DeviceSignature;
}

// Signatures that mean "a member of something", not "data of some filesystem".
const MEMBER_TYPES = new Set(['btrfs', 'LVM2_member', 'linux_raid_member', 'zfs_member', 'crypto_LUKS', 'bcache']);

/**
 * The one guard every driver runs before it writes to a device it was handed. Reading only, in this
 * order (the order the conformance suite expects when a device matches several): it is a block device
 * (`NOT_A_BLOCK_DEVICE`); the driver's own membership check; nothing mounts it (`DEVICE_MOUNTED`, by
 * path and major:minor); no device-mapper or md device holds it (`DEVICE_IN_USE`); it carries no
 * signature the caller does not accept (`DEVICE_IN_USE` for a member of a set, else `DEVICE_NOT_BLANK`).
 *
 * Returns the resolved device: callers write to its `path`, the kernel's name (`/dev/nvme2n1`), not the
 * link they were given, because LVM finds PVs by scanning /dev and may not know a `/dev/disk/by-id` link.
 *
 * @example
 * ```ts
 * const device = await assertUnusedDevice({ driver: 'my-fs', runner, probe: createDeviceProbe() }, '/dev/disk/by-id/nvme-vol0123');
 * await runner.run('mkfs.xfs', [device.path]); // /dev/nvme2n1
 * ```
 */
export async function assertUnusedDevice(check: UnusedDeviceCheck, device: string): Promise<UnusedDevice> {
  const { driver, probe } = check;
  const resolved = await probe.resolveBlockDevice(driver, device);
  await check.checkMembership?.(device, resolved);
  const mount = await findDeviceMount(await probe.mounts(), resolved);
  if (mount !== undefined) {
    throw new DriverError(driver, 'DEVICE_MOUNTED', `${device} is mounted on ${mount.mountPoint}.`, {
      device,
      hint: 'Unmount it if it is really spare, or pass another device; nothing was changed.',
    });
  }
  // A device-mapper table or md array over the device uses it even when it carries no signature blkid knows.
  const holders = await probe.holders(resolved.name);
  if (holders.length > 0) {
    throw new DriverError(driver, 'DEVICE_IN_USE', `${device} is held by ${holders.join(', ')} (device-mapper or RAID).`, {
      device,
      hint: 'Pass a device nothing else uses.',
    });
  }
  const signature = await probeSignature(check.runner, resolved.path);
  if (signature.type !== undefined && !(check.acceptSignature?.(signature) ?? false)) refuseSignature(driver, device, signature);
  return { ...resolved, signature };
}

/** Throws the refusal for a device that carries `signature`, which the caller does not accept. */
export function refuseSignature(driver: string, device: string, signature: DeviceSignature): never {
  const type = signature.type ?? 'unknown';
  if (MEMBER_TYPES.has(type)) {
    throw new DriverError(driver, 'DEVICE_IN_USE', `${device} belongs to a ${type} set (UUID ${signature.uuid ?? 'unknown'}).`, {
      device,
      hint: "It may hold another filesystem's data; pass a new, blank volume instead.",
    });
  }
  throw new DriverError(
    driver,
    'DEVICE_NOT_BLANK',
    `${device} is not blank: it holds a ${type} signature${signature.label ? ` labelled "${signature.label}"` : ''}.`,
    {
      device,
      hint: 'Nothing was changed. Pass a blank device, or wipe it yourself (`wipefs -a`) if its contents are really unwanted.',
    },
  );
}
