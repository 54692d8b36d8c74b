import { ensureFstabEntry, probeSignature } from '@ebs-autoscale/blockdev';
import { EbsAutoscaleError, type CommandRunner } from '@ebs-autoscale/core';
import type { LvmDriver } from '@ebs-autoscale/driver-lvm';

/**
 * The fstab line of an LVM layout's filesystem, by UUID with `nofail` like the other drivers' (the
 * LVM driver itself writes none). lvm2 activates the volume group at boot before local-fs mounts it;
 * `nofail` keeps a missing volume from stopping the boot. A thin LV keeps `discard` so that deleted
 * files return their blocks to the pool after a reboot too.
 */
export async function ensureLvmFstabEntry(fstabPath: string, driver: LvmDriver, runner: CommandRunner): Promise<boolean> {
  const { uuid, type } = await probeSignature(runner, driver.lvPath);
  if (!uuid) {
    throw new EbsAutoscaleError('install', 'NOT_PREPARED', `${driver.lvPath} has no filesystem UUID, so no fstab line was written for ${driver.mountPoint}.`, {
      hint: `Check it with \`blkid -p ${driver.lvPath}\`; install again once it holds the ${driver.filesystem} filesystem.`,
    });
  }
  const options = [...(driver.layout === 'thin-pool' ? ['discard'] : ['defaults']), 'nofail'];
  return ensureFstabEntry(fstabPath, { uuid, mountPoint: driver.mountPoint, fsType: type ?? driver.filesystem, options });
}
