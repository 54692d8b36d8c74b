// A read-only remount under a running autoscaler (issue 12, item 8) on a real btrfs on loop devices:
// the driver's usage says so from mountinfo, the autoscaler adds nothing while it lasts, and resumes.
import {
  createExecaRunner,
  DEFAULT_LIMITS,
  GIB,
  StorageAutoscaler,
  type AutoscalerEventName,
  type ScalingPolicy,
  type VolumeProvisioner,
} from '@ebs-autoscale/core';
import { LoopDeviceFactory, requireRootOrWarn } from '@ebs-autoscale/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createBtrfsDriver } from '../src/index.js';

const MIB = 1024 * 1024;
const runner = createExecaRunner();

/** A policy that asks for 1 GiB at every sample: whatever the fill, a writable mount would be grown. */
const alwaysScale: ScalingPolicy = {
  name: 'always-scale',
  intervalMs: 100,
  historySeconds: 0,
  limits: DEFAULT_LIMITS,
  decide: () => ({ action: 'scale', sizeGiB: 1, trigger: 'threshold', thresholdPercent: 0, worstPercent: 1 }),
};

describe.skipIf(!requireRootOrWarn('btrfs read-only remount test on loop devices'))('btrfs mounted read-only under the autoscaler', () => {
  const loops = new LoopDeviceFactory();
  afterEach(() => loops.cleanup());

  it('usage() says readOnly after `mount -o remount,ro`; no scale-up is attempted until `remount,rw`, then it scales', async () => {
    const mountPoint = await loops.mountPoint();
    const driver = createBtrfsDriver({ mountPoint, devices: [await loops.create(256 * MIB)] });
    await driver.prepare();
    expect((await driver.usage()).readOnly).toBe(false);

    // Loop devices stand for EBS volumes: a provisioner that keeps state and hands out real devices.
    const provisioned: string[] = [];
    const provisioner: VolumeProvisioner = {
      name: 'loop',
      provision: async ({ sizeGiB }) => {
        const device = await loops.create(sizeGiB * GIB);
        provisioned.push(device);
        return { volumeId: `vol-loop${provisioned.length}`, device, sizeGiB };
      },
      release: async () => undefined,
      list: async () => provisioned.map((device, index) => ({ volumeId: `vol-loop${index + 1}`, sizeGiB: 1, state: 'in-use', device })),
    };
    await runner.run('mount', ['-o', 'remount,ro', mountPoint]);
    expect((await driver.usage()).readOnly).toBe(true);

    const autoscaler = new StorageAutoscaler({ driver, provisioner, policy: alwaysScale, capacity: { pollMs: 50, timeoutMs: 10_000 } });
    const events: AutoscalerEventName[] = [];
    for (const name of ['mount:read-only', 'mount:writable', 'scale:start', 'scale:complete', 'scale:failed', 'error'] as const)
      autoscaler.on(name, () => events.push(name));
    const next = (name: AutoscalerEventName) => new Promise<void>((resolve) => autoscaler.once(name, () => resolve()));
    try {
      const readOnly = next('mount:read-only');
      autoscaler.start();
      await readOnly;
      // Twenty samples read-only: the policy asks every time, nothing is provisioned.
      await new Promise((resolve) => setTimeout(resolve, 20 * alwaysScale.intervalMs));
      expect(provisioned).toEqual([]);
      expect(autoscaler.status()).toMatchObject({ readOnly: true, scaling: false, consecutiveFailures: 0 });
      expect(events).toEqual(['mount:read-only']);

      const complete = next('scale:complete');
      await runner.run('mount', ['-o', 'remount,rw', mountPoint]);
      await complete;
      expect(events.slice(0, 4)).toEqual(['mount:read-only', 'mount:writable', 'scale:start', 'scale:complete']);
      expect(autoscaler.status().readOnly).toBe(false);
      expect(await driver.devices()).toHaveLength(2);
    } finally {
      await autoscaler.stop();
    }
  }, 60_000);
});
