import { realpath } from 'node:fs/promises';
import type { CommandRunner, FilesystemDriver } from '@ebs-autoscale/core';
import type { ConformanceEnvironment } from './environment.js';
import type { DriverConformanceOptions } from './options.js';

/** One test's world: a fresh environment, its initial devices and mount point, and the driver on them. */
export interface SuiteWorld {
  readonly environment: ConformanceEnvironment;
  readonly driver: FilesystemDriver;
  readonly devices: readonly string[];
  readonly mountPoint: string;
  readonly runner: CommandRunner;
  /** A driver of the same kind on other devices (for prepare refusals). */
  driverOn(devices: readonly string[]): Promise<FilesystemDriver>;
  /** A new device from the same environment. */
  newDevice(): Promise<string>;
}

export const DEFAULT_DEVICE_BYTES = 256 * 1024 * 1024;

/** Builds a world per test and tears it down afterwards, so a failing check cannot leak into the next. */
export class SuiteContext {
  private current: ConformanceEnvironment | undefined;

  constructor(
    private readonly options: DriverConformanceOptions,
    private readonly makeEnvironment: () => ConformanceEnvironment,
    readonly runner: CommandRunner,
  ) {}

  get deviceBytes(): number {
    return this.options.deviceSizeBytes ?? DEFAULT_DEVICE_BYTES;
  }

  async world(): Promise<SuiteWorld> {
    await this.teardown();
    const environment = this.makeEnvironment();
    this.current = environment;
    const count = this.options.initialDevices ?? 1;
    const devices: string[] = [];
    for (let index = 0; index < count; index += 1) devices.push(await environment.createDevice(this.deviceBytes));
    const mountPoint = await environment.createMountPoint();
    const driverOn = async (on: readonly string[]): Promise<FilesystemDriver> =>
      this.options.createDriver({
        mountPoint: on === devices ? mountPoint : await environment.createMountPoint(),
        devices: on,
        runner: this.runner,
        environment,
      });
    const driver = await driverOn(devices);
    return { environment, driver, devices, mountPoint, runner: this.runner, driverOn, newDevice: () => environment.createDevice(this.deviceBytes) };
  }

  async teardown(): Promise<void> {
    const environment = this.current;
    this.current = undefined;
    await environment?.cleanup();
  }
}

/** Resolves symlinks (e.g. `/dev/disk/by-id/...`) so device lists compare by the node they name. */
export async function canonical(devices: readonly string[]): Promise<string[]> {
  return Promise.all(devices.map((device) => realpath(device).catch(() => device)));
}
