import { assertUnusedDevice, type ResolvedDevice, type UnusedDevice } from '@ebs-autoscale/blockdev';
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
 * blockdev's {@link assertUnusedDevice}, with LVM's own membership check first: a PV of our VG, of
 * another, or of none is `DEVICE_IN_USE` (from `pvs`, by device number). Returns the resolved device,
 * whose kernel name is what pvcreate and vgextend must be given: LVM finds PVs by scanning /dev, and
 * may not recognise a `/dev/disk/by-id` link.
 */
export function assertUsableDevice(ctx: DeviceCheckContext, device: string): Promise<UnusedDevice> {
  return assertUnusedDevice(
    { driver: ctx.driver, runner: ctx.runner, probe: ctx.probe, checkMembership: (_, resolved) => refusePhysicalVolume(ctx, device, resolved) },
    device,
  );
}

async function refusePhysicalVolume(ctx: DeviceCheckContext, device: string, resolved: ResolvedDevice): Promise<void> {
  const pvs = await ctx.reports.pvs();
  const owners = await Promise.all(pvs.map(async (pv) => ({ pv, id: await ctx.probe.blockDeviceId(pv.pvName) })));
  const pv = owners.find((owner) => owner.id === resolved.majorMinor)?.pv;
  if (pv === undefined) return;
  if (pv.vgName === ctx.vgName) {
    throw new DriverError(ctx.driver, 'DEVICE_IN_USE', `${device} is already a physical volume of ${ctx.vgName}.`, {
      device,
      hint: 'Nothing to do: it already counts towards the volume group. Pass a new device to grow.',
    });
  }
  const where = pv.vgName ? `of volume group ${pv.vgName}` : 'with no volume group';
  throw new DriverError(ctx.driver, 'DEVICE_IN_USE', `${device} is already an LVM physical volume ${where}.`, {
    device,
    hint: pv.vgName ? `Pass a different device; it belongs to ${pv.vgName}.` : 'If it is unused, run `pvremove` on it first, or pass a different device.',
  });
}
