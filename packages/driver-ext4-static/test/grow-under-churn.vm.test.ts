// Issue 18: growInPlace() once said "not mounted" right after the device grew. This stresses the path it
// failed on (growInPlace → requireMounted → the mountinfo lookup) while the device keeps growing, usage()
// samples, and other mounts come and go, and counts every failure instead of stopping at the first.
// A VM test (`*.vm.test.ts`) because online resize2fs needs CAP_SYS_RESOURCE, which the host lacks.
import { createExecaRunner } from '@ebs-autoscale/core';
import { LoopDeviceFactory, requireRootOrWarn } from '@ebs-autoscale/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createExt4StaticDriver } from '../src/index.js';
import { growLoopDevice } from './helpers/grow-loop-device.js';

const MIB = 1024 * 1024;
const runner = createExecaRunner();
const ROUNDS = 16;
const START_MIB = 64;
const STEP_MIB = 16;
/**
 * Standing mounts that make the mount table longer than one seq_file buffer (a 4 KiB page), so every
 * read of mountinfo takes several read(2) calls, between which the table may change.
 */
const STANDING_MOUNTS = 48;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

describe.skipIf(!requireRootOrWarn('ext4 online resize under mount churn (VM)'))('ext4-static growInPlace, under churn', () => {
  const loops = new LoopDeviceFactory({ runner });
  afterEach(() => loops.cleanup());

  it('finds its mount on every call while the device grows, usage() samples and other mounts come and go', async () => {
    const mountPoint = await loops.mountPoint();
    const device = await loops.create(START_MIB * MIB);
    const driver = createExt4StaticDriver({ mountPoint, device, runner });
    await driver.prepare();
    for (let index = 0; index < STANDING_MOUNTS; index += 1) await runner.run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', await loops.mountPoint()]);

    const failures: string[] = [];
    const calls = { growInPlace: 0, usage: 0, churn: 0 };
    let growing = true;
    const churnDir = await loops.mountPoint();
    const churn = (async () => {
      while (growing) {
        calls.churn += 1;
        await runner
          .run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', churnDir])
          .then(() => runner.run('umount', [churnDir]))
          .catch((error: unknown) => failures.push(`churn: ${message(error)}`));
      }
    })();
    const sampler = (async () => {
      while (growing) {
        calls.usage += 1;
        await driver.usage().catch((error: unknown) => failures.push(`usage: ${message(error)}`));
      }
    })();
    // One resize2fs at a time, as the autoscaler calls it: ext4 refuses a second online resize with EBUSY.
    const growOnce = async (label: string) => {
      calls.growInPlace += 1;
      await driver.growInPlace().catch((error: unknown) => failures.push(`${label}: ${message(error)}`));
    };
    try {
      for (let round = 1; round <= ROUNDS; round += 1) {
        await growLoopDevice(runner, device, (START_MIB + round * STEP_MIB) * MIB);
        await growOnce(`round ${round} growInPlace`);
      }
    } finally {
      growing = false;
      await Promise.all([churn, sampler]);
    }
    const failed = (prefix: string) => failures.filter((line) => line.startsWith(prefix)).length;
    console.log(
      `[ext4-static churn] ${ROUNDS} growths; failed: growInPlace ${failed('round')} of ${calls.growInPlace}, usage ${failed('usage')} of ${calls.usage}, ` +
        `mount/umount beside ${failed('churn')} of ${calls.churn}`,
    );

    expect(failures).toEqual([]);
    // Every growth was applied: the filesystem fills the final device but for ext4's own metadata.
    expect((await driver.usage()).totalBytes).toBeGreaterThan((START_MIB + ROUNDS * STEP_MIB - 40) * MIB);
  });
});
