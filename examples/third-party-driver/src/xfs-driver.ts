import { mkdir, statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { deviceBacksMembers, findDeviceMount, findMountAt, isMountOf, probeSignature, readMounts, resolveBlockDevice } from '@ebs-autoscale/blockdev';
import { bytesGauge, clampPercent, createExecaRunner, DriverError, type CommandRunner, type FilesystemDriver, type UsageSnapshot } from '@ebs-autoscale/core';

const NAME = 'xfs-single';

/** Options of {@link createXfsDriver}. */
export interface XfsDriverOptions {
  mountPoint: string;
  /** The one block device the filesystem lives on. */
  device: string;
  runner?: CommandRunner;
}

/**
 * A third-party driver in its smallest useful form: one XFS device, grown in place after the
 * provisioner enlarges the volume. Copy it, rename it, and keep the conformance test beside it.
 *
 * What every driver owes the contract: refuse a device that is mounted or holds a signature (and touch
 * nothing), be idempotent in `prepare()`, spawn no process in `usage()`, throw `DriverError`s whose
 * hint says what to do.
 */
export function createXfsDriver(options: XfsDriverOptions): FilesystemDriver {
  const runner = options.runner ?? createExecaRunner();
  const mountPoint = resolve(options.mountPoint);

  async function mounted(): Promise<boolean> {
    const mount = await findMountAt(await readMounts(), mountPoint);
    return mount !== undefined && mount.fsType === 'xfs' && (await isMountOf(mount, await resolveBlockDevice(NAME, options.device)));
  }

  return {
    name: NAME,
    mountPoint,

    async prepare() {
      if (await mounted()) return;
      const device = await resolveBlockDevice(NAME, options.device);
      const elsewhere = await findDeviceMount(await readMounts(), device);
      if (elsewhere) {
        throw new DriverError(NAME, 'DEVICE_MOUNTED', `${options.device} is mounted on ${elsewhere.mountPoint}.`, {
          device: options.device,
          hint: 'Unmount it first; nothing was changed.',
        });
      }
      const signature = await probeSignature(runner, device.path);
      if (signature.type !== undefined && signature.type !== 'xfs') {
        throw new DriverError(NAME, 'DEVICE_NOT_BLANK', `${options.device} holds a ${signature.type} signature.`, {
          device: options.device,
          hint: 'Pass a blank device; nothing was changed.',
        });
      }
      // An XFS that is already there (ours, after a reboot) is mounted again, never formatted again.
      if (signature.type === undefined) await runner.run('mkfs.xfs', ['-q', device.path]);
      await mkdir(mountPoint, { recursive: true });
      await runner.run('mount', ['-t', 'xfs', '-o', 'noatime', device.path, mountPoint]);
    },

    async usage(): Promise<UsageSnapshot> {
      const stats = await statfs(mountPoint);
      const used = (stats.blocks - stats.bfree) * stats.bsize;
      const available = stats.bavail * stats.bsize;
      const inodes = stats.files > 0 ? clampPercent(((stats.files - stats.ffree) / stats.files) * 100) : 0;
      return {
        totalBytes: stats.blocks * stats.bsize,
        usedBytes: used,
        availableBytes: available,
        gauges: [bytesGauge(used, used + available), { kind: 'inodes', usedPercent: inodes }],
      };
    },

    // No extend(): this filesystem lives on one volume and cannot add devices. Leaving the method out
    // is how a driver says so; the autoscaler then grows the volume in place (growInPlace below).

    async growInPlace() {
      if (!(await mounted())) throw new DriverError(NAME, 'NOT_PREPARED', `${mountPoint} is not mounted.`, { hint: 'Call prepare() first.' });
      await runner.run('xfs_growfs', [mountPoint]);
    },

    async devices() {
      return [(await resolveBlockDevice(NAME, options.device)).path];
    },

    // Never a guess: `false` lets the provisioner delete the volume, so ask the kernel what is mounted here.
    async holdsDevice(device) {
      const mount = await findMountAt(await readMounts(), mountPoint);
      return deviceBacksMembers(NAME, '/sys', device, new Set(mount ? [mount.majorMinor] : []));
    },
  };
}
