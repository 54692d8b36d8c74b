import type { UsageSnapshot } from './usage.js';

/**
 * How a driver can grow. The autoscaler reads these and adapts: it adds devices, grows a volume in
 * place, or, when neither is possible, reports the pressure as a `limit:reached` event instead.
 */
export interface DriverCapabilities {
  /** `extend(device)` adds a new block device to the filesystem (btrfs multi-device, LVM). */
  readonly addDevice: boolean;
  /** `growInPlace()` grows the filesystem after its device was enlarged (EBS ModifyVolume + resize2fs). */
  readonly growInPlace: boolean;
}

/**
 * The strategy that owns one mount point's filesystem. Implementations: `@ebs-autoscale/driver-btrfs`,
 * `@ebs-autoscale/driver-lvm`, `@ebs-autoscale/driver-ext4-static`, or your own; every one runs the
 * conformance suite in `@ebs-autoscale/testkit`.
 *
 * The contract:
 * - Never format a device that holds data, and never add a device that is mounted or belongs to a
 *   filesystem or volume group: refuse with a {@link DriverError} (`DEVICE_NOT_BLANK`,
 *   `DEVICE_MOUNTED`, `DEVICE_IN_USE`, `NOT_A_BLOCK_DEVICE`) and touch nothing.
 * - Every error is a `DriverError` (or a `CommandError` from the runner) whose message says what to do.
 * - `holdsDevice()` never answers `false` for a device it cannot see: a wrong `false` lets the
 *   provisioner delete a volume of the filesystem.
 * - Methods are not called concurrently by the autoscaler; a driver need not lock.
 *
 * @example
 * ```ts
 * const driver: FilesystemDriver = createBtrfsDriver({ mountPoint: '/scratch', devices: ['/dev/nvme1n1'] });
 * await driver.prepare();
 * const { totalBytes, gauges } = await driver.usage();
 * ```
 */
export interface FilesystemDriver {
  /** A short name for logs and errors, e.g. `btrfs`. */
  readonly name: string;
  /** What this driver can do to grow. */
  readonly capabilities: DriverCapabilities;
  /** The mount point this driver manages. */
  readonly mountPoint: string;
  /**
   * Sets up the filesystem on its initial device(s) and mounts it. Idempotent: on a filesystem that is
   * already set up and mounted it changes nothing; on a device that holds anything else it refuses.
   */
  prepare(): Promise<void>;
  /** A fresh snapshot of capacity and every pressure gauge. Cheap: called on every sample. */
  usage(): Promise<UsageSnapshot>;
  /** Adds a blank block device and grows the filesystem online. Required when `capabilities.addDevice`. */
  extend(device: string): Promise<void>;
  /** Grows the filesystem to fill its (already enlarged) devices. Required when `capabilities.growInPlace`. */
  growInPlace?(): Promise<void>;
  /** The block devices the filesystem lives on now. */
  devices(): Promise<string[]>;
  /**
   * Whether the filesystem could live on `device`, read from the kernel: true when the device is one of
   * its members, when a partition of it is one, or when anything is stacked on it (holders), since that
   * could be the filesystem; false when none of that is so, including when nothing is mounted. Throws
   * when it cannot tell (the device cannot be seen). A volume is released only on a `false`: see
   * `proveUnused()`. Drivers on Linux answer through `deviceBacksMembers()` of `@ebs-autoscale/blockdev`.
   */
  holdsDevice(device: string): Promise<boolean>;
}
