import type { UsageSnapshot } from './usage.js';

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
 * What a driver can do is said once, by the optional methods it has: `extend()` (it adds devices),
 * `growInPlace()` (it grows onto an enlarged device) and `removeDevice()` (it shrinks online by taking
 * out a device it added). A driver that cannot do one leaves the method out rather than throwing from
 * it. The autoscaler reads them once, when it is plugged in (`checkPlugIns()`), and picks its growth
 * strategy from them (`chooseGrowth()`); with neither growth method it only watches, and reports
 * pressure as a `cannot-grow` limit; without `removeDevice()` it never shrinks.
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
  /** The mount point this driver manages. */
  readonly mountPoint: string;
  /**
   * Sets up the filesystem on its initial device(s) and mounts it. Idempotent: on a filesystem that is
   * already set up and mounted it changes nothing; on a device that holds anything else it refuses.
   */
  prepare(): Promise<void>;
  /** A fresh snapshot of capacity and every pressure gauge. Cheap: called on every sample. */
  usage(): Promise<UsageSnapshot>;
  /** Adds a blank block device and grows the filesystem online (btrfs multi-device, LVM). Absent when the driver cannot add devices. */
  extend?(device: string): Promise<void>;
  /**
   * Grows the filesystem to fill its devices after one was enlarged (EBS ModifyVolume, then resize2fs).
   * Does nothing when it already fills them. Absent when the driver cannot grow in place.
   */
  growInPlace?(): Promise<void>;
  /**
   * Takes `device`, one that `extend()` added, out of the filesystem online, moving its data to the
   * other devices while writes go on (btrfs `device remove`). When it returns, the filesystem no longer
   * lives on the device (`holdsDevice()` answers false), so its volume may be released. Refuses with a
   * {@link DriverError}, changing nothing: an initial device (`INVALID_ARGUMENT`), a device that is not
   * a member (`DEVICE_NOT_FOUND`), a second removal while one runs (`DEVICE_IN_USE`, retryable), and a
   * device whose data the others cannot hold (`LIMIT_REACHED`). A removal that is interrupted leaves a
   * consistent filesystem, with the device still a member or fully gone. `signal` cancels it (a fill
   * started meanwhile): it then rejects with `ABORTED`, the device still a member, or resolves when the
   * removal had finished first. Absent when the driver cannot shrink online (LVM under ext4 or xfs,
   * static ext4).
   */
  removeDevice?(device: string, options?: { readonly signal?: AbortSignal }): Promise<void>;
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
