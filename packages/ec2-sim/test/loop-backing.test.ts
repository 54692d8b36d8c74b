import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, open, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AttachVolumeCommand, CreateVolumeCommand, DeleteVolumeCommand, DetachVolumeCommand, ModifyVolumeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { ManualClock } from '@ebs-autoscale/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ec2Simulator } from '../src/index.js';
import { startTestSim } from './helpers.js';

const MIB = 1024 * 1024;
const canRun = process.getuid?.() === 0 && existsSync('/dev/loop-control') && hasLosetup();
if (!canRun) console.warn('[ec2-sim] SKIPPED loop backing tests: they need root, /dev/loop-control and losetup (CI runs them as root).');

function hasLosetup(): boolean {
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!canRun)('loop backing (root)', () => {
  let sim: Ec2Simulator;
  let ec2: EC2Client;
  let clock: ManualClock;

  beforeAll(async () => {
    ({ sim, ec2, clock } = await startTestSim({ backing: 'loop', bytesPerGiB: 16 * MIB }));
  });
  afterAll(async () => {
    ec2?.destroy();
    await sim?.close(); // detaches every loop device this simulator created
  });

  /** Runs every zero-latency transition and waits for losetup and the sandbox writes. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 3; i += 1) await clock.advance(1);
    await sim.settled();
  }

  async function findController(volumeId: string): Promise<string | undefined> {
    const root = join(sim.sysRoot!, 'class', 'nvme');
    for (const name of await readdir(root)) {
      const serial = (await readFile(join(root, name, 'serial'), 'utf8')).trim();
      if (serial === volumeId.replace('-', '')) return name;
    }
    return undefined;
  }

  it('exposes an attached volume as Nitro does, keeps its data across detach/attach, and tears it down on delete', async () => {
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }));
    const volumeId = VolumeId!;
    await settle();
    await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: sim.instance.instanceId, Device: '/dev/xvdf' }));
    await settle();

    const view = sim.volume(volumeId)!;
    expect(view.backingError).toBeUndefined();
    expect(view.loopDevice).toMatch(/^\/dev\/loop\d+$/);
    const controller = await findController(volumeId);
    expect(controller).toMatch(/^nvme[1-9]\d*$/);
    const controllerDir = join(sim.sysRoot!, 'class', 'nvme', controller!);
    expect((await readFile(join(controllerDir, 'model'), 'utf8')).trim()).toBe('Amazon Elastic Block Store');
    expect((await stat(join(controllerDir, `${controller}n1`))).isDirectory()).toBe(true);
    const device = join(sim.devRoot!, `${controller}n1`);
    const byId = join(sim.devRoot!, 'disk', 'by-id', `nvme-Amazon_Elastic_Block_Store_${volumeId.replace('-', '')}`);
    expect(await readlink(device)).toBe(view.loopDevice);
    expect(await readlink(byId)).toBe(view.loopDevice);
    expect((await stat(byId)).isBlockDevice()).toBe(true);
    expect(execFileSync('blockdev', ['--getsize64', view.loopDevice!], { encoding: 'utf8' }).trim()).toBe(String(16 * MIB));

    const payload = Buffer.from(`data of ${volumeId}`);
    const writer = await open(device, 'r+');
    await writer.write(payload, 0, payload.length, 4096);
    await writer.sync();
    await writer.close();

    await ec2.send(new DetachVolumeCommand({ VolumeId: volumeId }));
    await settle();
    expect(await findController(volumeId)).toBeUndefined();
    await expect(lstat(byId)).rejects.toThrow();
    expect(sim.volume(volumeId)?.state).toBe('available');

    await ec2.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: sim.instance.instanceId, Device: '/dev/xvdg' }));
    await settle();
    const again = sim.volume(volumeId)!;
    const reader = await open(again.device!, 'r');
    const back = Buffer.alloc(payload.length);
    await reader.read(back, 0, back.length, 4096);
    await reader.close();
    expect(back.toString()).toBe(payload.toString());

    // ModifyVolume grows the real device too.
    await ec2.send(new ModifyVolumeCommand({ VolumeId: volumeId, Size: 2 }));
    await settle();
    expect(execFileSync('blockdev', ['--getsize64', again.loopDevice!], { encoding: 'utf8' }).trim()).toBe(String(32 * MIB));

    await ec2.send(new DetachVolumeCommand({ VolumeId: volumeId }));
    await settle();
    await ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    await settle();
    expect(existsSync(join(sim.stateDir!, 'volumes', `${volumeId}.img`))).toBe(false);
    expect(execFileSync('losetup', ['--associated', join(sim.stateDir!, 'volumes', `${volumeId}.img`)], { encoding: 'utf8' }).trim()).toBe('');
  });
});
