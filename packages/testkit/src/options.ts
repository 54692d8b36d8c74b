import type { CommandRunner, FilesystemDriver } from '@ebs-autoscale/core';
import type { ConformanceEnvironment } from './environment.js';

/** What the suite hands a driver factory: fresh, blank devices and an empty mount point for one test. */
export interface DriverFactoryContext {
  /** An empty directory (real environment) or a name (simulated) to mount the filesystem on. */
  readonly mountPoint: string;
  /** The blank initial devices, `options.initialDevices` of them, each `deviceSizeBytes` large. */
  readonly devices: readonly string[];
  /** The runner the suite uses itself; pass it on so commands of the driver are the real ones. */
  readonly runner: CommandRunner;
  /** The environment that made the devices, for drivers that need extra ones. */
  readonly environment: ConformanceEnvironment;
}

/** The checks of the suite, by name: the keys of {@link DriverConformanceOptions.skip}. */
export type ConformanceCheck =
  | 'prepare-idempotent'
  | 'prepare-preserves-data'
  | 'prepare-refuses-not-blank'
  | 'prepare-refuses-mounted'
  | 'usage-consistent'
  | 'devices-initial'
  | 'extend-raises-capacity'
  | 'extend-preserves-data'
  | 'extend-refuses-missing'
  | 'extend-refuses-not-blank'
  | 'extend-refuses-mounted'
  | 'extend-refuses-member'
  | 'extend-cannot-grow'
  | 'holds-device'
  | 'remove-restores-capacity'
  | 'remove-refuses-initial'
  | 'remove-refuses-non-member'
  | 'remove-one-at-a-time'
  | 'remove-cannot-shrink';

/** Options of {@link runDriverConformance}. */
export interface DriverConformanceOptions {
  /** The driver's name, used as the `describe` title. */
  name: string;
  /** Builds a driver on the given devices and mount point. Must not call `prepare()`: the suite does. */
  createDriver(context: DriverFactoryContext): FilesystemDriver | Promise<FilesystemDriver>;
  /** Size of every device the suite creates. Default 256 MiB (btrfs needs at least ~114 MiB). */
  deviceSizeBytes?: number;
  /** How many devices the driver is created on. Default 1. */
  initialDevices?: number;
  /**
   * How far the capacity gained by `extend()` may fall short of the added device's size, as a fraction
   * of it. Default 0.25: filesystems spend some of a new device on metadata and superblocks.
   */
  extendTolerance?: number;
  /**
   * Checks to skip, each with the reason, which the suite prints. There is no silent skip: a check left
   * out without a reason is a bug in the driver's test file.
   */
  skip?: Partial<Record<ConformanceCheck, string>>;
  /**
   * Where devices come from. Default: loop devices ({@link createLoopEnvironment}), which need root; the
   * suite skips loudly without it. A simulated environment (e.g. core's in-memory driver) runs only the
   * checks that do not need real block devices.
   */
  environment?: () => ConformanceEnvironment;
  /** Runs the suite's own commands (mkswap, mkfs.ext4, mount, blkid). Default: `createExecaRunner()`. */
  runner?: CommandRunner;
  /** Files written before `prepare()`/`extend()` and checked afterwards. Default 8. */
  dataFiles?: number;
  /** Size of each of those files. Default 256 KiB. */
  dataFileBytes?: number;
}
