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
 * (`DEVICE_IN_USE`) → mounted → a PV of another VG (`DEVICE_IN_USE`) → any signature (`DEVICE_NOT_BLANK`).
 */
export async function assertUsableDevice(ctx: DeviceCheckContext, device: string): Promise<void> {
  const id = await ctx.probe.blockDeviceId(device);
  if (!id) {
    throw new DriverError(ctx.driver, 'NOT_A_BLOCK_DEVICE', `${device} is not a block device.`, {
      device,
      hint: 'Pass the path of an attached, blank block device such as /dev/nvme1n1.',
    });
  }
  const pvs = await ctx.reports.pvs();
  const owners = await Promise.all(pvs.map(async (pv) => ({ pv, id: await ctx.probe.blockDeviceId(pv.pvName) })));
  const pv = owners.find((owner) => owner.id === id)?.pv;
  if (pv && pv.vgName === ctx.vgName) {
    throw new DriverError(ctx.driver, 'DEVICE_IN_USE', `${device} is already a physical volume of ${ctx.vgName}.`, {
      device,
      hint: 'Nothing to do: it already counts towards the volume group. Pass a new device to grow.',
    });
  }
  const mount = (await ctx.probe.mounts()).find((entry) => entry.deviceId === id);
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
  // blkid -p probes the device itself (not the cache) and exits 2 when it finds no signature at all.
  const probe = await ctx.runner.run('blkid', ['-p', '-o', 'export', device], { allowFailure: true });
  if (probe.exitCode === 0) {
    const type = /^(?:TYPE|PTTYPE)=(.*)$/m.exec(probe.stdout)?.[1] ?? 'unknown';
    throw new DriverError(ctx.driver, 'DEVICE_NOT_BLANK', `${device} holds data (${type} signature).`, {
      device,
      hint: 'Pass a blank device. If its contents are truly unwanted, erase them with `wipefs -a` first.',
    });
  }
  if (probe.exitCode !== 2) {
    throw new DriverError(ctx.driver, 'COMMAND_FAILED', `\`blkid -p ${device}\` exited with ${probe.exitCode}: ${probe.stderr.trim()}`, {
      device,
      hint: 'Check that the device is readable (`blkid -p` needs root).',
    });
  }
}
