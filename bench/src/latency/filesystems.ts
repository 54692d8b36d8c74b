import type { CommandRunner, FilesystemDriver } from '@ebs-autoscale/core';
import { createBtrfsDriver } from '@ebs-autoscale/driver-btrfs';
import { createLvmDriver } from '@ebs-autoscale/driver-lvm';

/** A filesystem the latency benchmark grows: how to build it on the first volume, and how to take it down. */
export interface FilesystemUnderTest {
  /** For tables and plots, e.g. `LVM thin-pool + ext4`. */
  readonly name: string;
  /** First volume, EBS GiB: large enough for the filesystem's minimum at 16 MiB per simulated GiB. */
  readonly initialSizeGiB: number;
  /** Builds the filesystem on `device` and mounts it on `mountPoint`. */
  setUp(mountPoint: string, device: string, runner: CommandRunner): Promise<MountedFilesystem>;
}

/** A prepared filesystem; `tearDown` leaves its devices free for the simulator to detach. */
export interface MountedFilesystem {
  readonly driver: FilesystemDriver;
  tearDown(): Promise<void>;
}

/** btrfs on the host: the demo's filesystem. 16 GiB × 16 MiB = 256 MiB, btrfs's floor. */
export const btrfs: FilesystemUnderTest = {
  name: 'btrfs',
  initialSizeGiB: 16,
  async setUp(mountPoint, device, runner) {
    const driver = createBtrfsDriver({ mountPoint, devices: [device], runner });
    await driver.prepare();
    return { driver, tearDown: () => unmount(runner, mountPoint) };
  },
};

let volumeGroups = 0;

/**
 * The LVM driver's default layout, a thin pool with one thin LV, in a VG of its own per run. It needs
 * device-mapper, so it runs in the VM. xfs needs a bigger first volume: mkfs.xfs refuses under 300 MiB.
 */
export function lvmThinPool(filesystem: 'ext4' | 'xfs'): FilesystemUnderTest {
  return {
    name: `LVM thin-pool + ${filesystem}`,
    initialSizeGiB: filesystem === 'ext4' ? 16 : 24,
    async setUp(mountPoint, device, runner) {
      const volumeGroup = `bench_latency_${process.pid}_${++volumeGroups}`;
      const driver = createLvmDriver({ mountPoint, devices: [device], runner, layout: 'thin-pool', filesystem, volumeGroup });
      const tearDown = async () => {
        await unmount(runner, mountPoint);
        // Device-mapper holds the loop devices open until the VG is gone; the simulator's detach would
        // only mark them for autoclear and leak them.
        await runner.run('vgremove', ['-ff', '-y', volumeGroup], { allowFailure: true });
      };
      try {
        await driver.prepare();
      } catch (error) {
        await tearDown();
        throw error;
      }
      return { driver, tearDown };
    },
  };
}

/** Unmounts until nothing is mounted there: `umount` removes one of any mounts stacked on the path. */
async function unmount(runner: CommandRunner, mountPoint: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if ((await runner.run('umount', [mountPoint], { allowFailure: true })).exitCode !== 0) break;
  }
}
