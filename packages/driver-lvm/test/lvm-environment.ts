import type { CommandRunner } from '@ebs-autoscale/core';
import { createLoopEnvironment, type ConformanceEnvironment } from '@ebs-autoscale/testkit';
import { realpath } from 'node:fs/promises';

/**
 * The testkit's loop environment, plus what LVM needs before its loop devices can go: unmount what was
 * mounted on them and `vgremove` every VG built on them. Without this, device-mapper keeps the loops
 * open and `losetup --detach` only marks them for autoclear, leaking them into the next test.
 */
export function createLvmLoopEnvironment(runner: CommandRunner): ConformanceEnvironment {
  const inner = createLoopEnvironment({ runner });
  const devices: string[] = [];
  const mountPoints: string[] = [];
  return {
    kind: inner.kind,
    async createDevice(sizeBytes) {
      const device = await inner.createDevice(sizeBytes);
      devices.push(device);
      return device;
    },
    async createMountPoint() {
      const mountPoint = await inner.createMountPoint();
      mountPoints.push(mountPoint);
      return mountPoint;
    },
    async cleanup() {
      for (const mountPoint of mountPoints.splice(0)) await runner.run('umount', [mountPoint], { allowFailure: true });
      await removeVolumeGroupsOn(runner, devices.splice(0));
      await inner.cleanup();
    },
  };
}

/** `vgremove -ff` every VG with a PV among `devices`, and `pvremove` the PVs left without a VG. */
export async function removeVolumeGroupsOn(runner: CommandRunner, devices: readonly string[]): Promise<void> {
  if (devices.length === 0) return;
  const ours = new Set(await Promise.all(devices.map((device) => realpath(device).catch(() => device))));
  const { stdout } = await runner.run('pvs', ['--reportformat', 'json', '-o', 'pv_name,vg_name'], { allowFailure: true });
  const pvs = (JSON.parse(stdout || '{"report":[]}') as { report: Array<{ pv?: Array<{ pv_name: string; vg_name: string }> }> }).report.flatMap(
    (r) => r.pv ?? [],
  );
  const mine = pvs.filter((pv) => ours.has(pv.pv_name));
  for (const vg of new Set(mine.map((pv) => pv.vg_name).filter(Boolean))) await runner.run('vgremove', ['-ff', '-y', vg], { allowFailure: true });
  for (const pv of mine) await runner.run('pvremove', ['-ff', '-y', pv.pv_name], { allowFailure: true });
}
