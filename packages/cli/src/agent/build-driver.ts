import { type CommandRunner, type FilesystemDriver } from '@ebs-autoscale/core';
import { createBtrfsDriver } from '@ebs-autoscale/driver-btrfs';
import { createExt4StaticDriver } from '@ebs-autoscale/driver-ext4-static';
import { createLvmDriver } from '@ebs-autoscale/driver-lvm';
import type { ResolvedDriver } from '../host/prerequisites.js';

/** What every driver gets from the agent's wiring. */
export interface DriverWiring {
  readonly mountPoint: string;
  /** The filesystem's devices: the first one to prepare on, or the mounted one. */
  readonly devices: readonly string[];
  readonly runner?: CommandRunner;
  /** Where btrfs and static ext4 add their fstab line; install adds LVM's itself (install/lvm-fstab.ts). */
  readonly fstabPath?: string;
}

/**
 * The configured filesystem driver. LVM's `linear` layout is amazon-ebs-autoscale's `lvm.ext4`
 * (its names, `lvresize -l 100%VG`), so a host it set up is grown in place without reformatting.
 */
export function buildDriver(driver: ResolvedDriver, wiring: DriverWiring): FilesystemDriver {
  const runner = wiring.runner ? { runner: wiring.runner } : {};
  const fstab = wiring.fstabPath ? { fstabPath: wiring.fstabPath } : {};
  switch (driver.kind) {
    case 'btrfs':
      return createBtrfsDriver({ mountPoint: wiring.mountPoint, devices: wiring.devices, ...runner, ...fstab });
    case 'ext4-static':
      // One device for its whole life: the first one, grown in place with ModifyVolume.
      return createExt4StaticDriver({ mountPoint: wiring.mountPoint, device: wiring.devices[0] ?? '', ...runner, ...fstab });
    case 'lvm':
      // The driver hands LVM the kernel's name for each device (`/dev/nvme2n1`), not the link it was given.
      return createLvmDriver({
        mountPoint: wiring.mountPoint,
        devices: wiring.devices,
        layout: driver.layout,
        volumeGroup: driver.volumeGroup,
        logicalVolume: driver.logicalVolume,
        filesystem: driver.filesystem,
        ...runner,
      });
  }
}
