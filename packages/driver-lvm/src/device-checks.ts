import { findDeviceMount, probeSignature } from '@ebs-autoscale/blockdev';
import { DriverError, type CommandRunner } from '@ebs-autoscale/core';
import type { LvmReports } from './lvm-reports.js';
import type { SystemProbe } from './system-probe.js';

/** What a device check needs: the machine, LVM's state, and which VG counts as ours. */
export interface DeviceCheckContext {
  readonly driver: string;
  readonly vgName: string;
  readonly runner: CommandRunner;
  readonly probe: SystemProbe;
  readonly reports: LvmReports;
}

/**
 * Refuses any device the driver must not touch, before anything is written to it. In the order the
 * conformance suite expects when a device matches several: not a block device → already ours
 * (`DEVICE_IN_USE`) → mounted → a PV of another VG, or held by device-mapper/md (`DEVICE_IN_USE`) →
 * any signature (`DEVICE_NOT_BLANK`).
 */
export async function assertUsableDevice(ctx: DeviceCheckContext, device: string): Promise<void> {
  const resolved = await ctx.probe.resolveBlockDevice(ctx.driver, device);
  const pvs = await ctx.reports.pvs();
  const owners = await Promise.all(pvs.map(async (pv) => ({ pv, id: await ctx.probe.blockDeviceId(pv.pvName) })));
  const pv = owners.find((owner) => owner.id === resolved.majorMinor)?.pv;
  if (pv && pv.vgName === ctx.vgName) {
    throw new DriverError(ctx.driver, 'DEVICE_IN_USE', `${device} is already a physical volume of ${ctx.vgName}.`, {
      device,
      hint: 'Nothing to do: it already counts towards the volume group. Pass a new device to grow.',
    });
  }
  const mount = await findDeviceMount(await ctx.probe.mounts(), resolved);
  if (mount) {
    throw new DriverError(ctx.driver, 'DEVICE_MOUNTED', `${device} is mounted on ${mount.mountPoint}.`, {
      device,
      hint: 'Unmount it, or pass a different, blank device.',
    });
  }
  if (pv) {
    const where = pv.vgName ? `of volume group ${pv.vgName}` : 'with no volume group';
    throw new DriverError(ctx.driver, 'DEVICE_IN_USE', `${device} is already an LVM physical volume ${where}.`, {
      device,
      hint: pv.vgName ? `Pass a different device; it belongs to ${pv.vgName}.` : 'If it is unused, run `pvremove` on it first, or pass a different device.',
    });
  }
  // A device-mapper table or md array over the device uses it even when it carries no signature blkid knows.
  const holders = await ctx.probe.holders(resolved.name);
  if (holders.length > 0) {
    throw new DriverError(ctx.driver, 'DEVICE_IN_USE', `${device} is held by ${holders.join(', ')} (device-mapper or RAID).`, {
      device,
      hint: 'Pass a device nothing else uses.',
    });
  }
  const signature = await probeSignature(ctx.runner, resolved.path);
  if (signature.type !== undefined) {
    throw new DriverError(ctx.driver, 'DEVICE_NOT_BLANK', `${device} holds data (${signature.type} signature).`, {
      device,
      hint: 'Pass a blank device. If its contents are truly unwanted, erase them with `wipefs -a` first.',
    });
  }
}
