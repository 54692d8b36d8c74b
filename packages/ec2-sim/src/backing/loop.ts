import { open, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from '@ebs-autoscale/core';
import type { Backing, BackingVolume, MaterialisedDevice } from './backing.js';
import { NitroSandbox } from './nitro-sandbox.js';

/** Options of {@link createLoopBacking}. */
export interface LoopBackingOptions {
  readonly stateDir: string;
  readonly bytesPerGiB: number;
  readonly runner: CommandRunner;
}

interface Attached {
  index: number;
  loopDevice: string;
}

/**
 * Attached volumes as loop devices over sparse files in `<stateDir>/volumes`, shown through a
 * {@link NitroSandbox} in `<stateDir>/dev` and `<stateDir>/sys`. A volume's file outlives detach, so
 * its data survives a detach/attach cycle; delete removes it. Needs root (losetup).
 */
export async function createLoopBacking(options: LoopBackingOptions): Promise<Backing> {
  const sandbox = new NitroSandbox(join(options.stateDir, 'dev'), join(options.stateDir, 'sys'));
  const volumesDir = join(options.stateDir, 'volumes');
  await sandbox.init();
  await mkdir(volumesDir, { recursive: true });
  const attached = new Map<string, Attached>();
  const fileOf = (volumeId: string) => join(volumesDir, `${volumeId}.img`);
  const bytesOf = (sizeGiB: number) => sizeGiB * options.bytesPerGiB;

  /** Grows (never shrinks) the sparse file to the volume's scaled size. */
  async function ensureFile(volume: BackingVolume): Promise<void> {
    const handle = await open(fileOf(volume.volumeId), 'a');
    try {
      const { size } = await handle.stat();
      if (size < bytesOf(volume.sizeGiB)) await handle.truncate(bytesOf(volume.sizeGiB));
    } finally {
      await handle.close();
    }
  }

  function freeIndex(): number {
    const used = new Set([...attached.values()].map((entry) => entry.index));
    let index = 1; // nvme0 is the root volume on Nitro
    while (used.has(index)) index += 1;
    return index;
  }

  async function detach(volumeId: string): Promise<void> {
    const entry = attached.get(volumeId);
    if (!entry) return;
    attached.delete(volumeId);
    await sandbox.remove(entry.index, volumeId);
    await options.runner.run('losetup', ['--detach', entry.loopDevice]);
  }

  return {
    kind: 'loop',
    devRoot: sandbox.devRoot,
    sysRoot: sandbox.sysRoot,
    async attach(volume): Promise<MaterialisedDevice> {
      await ensureFile(volume);
      const { stdout } = await options.runner.run('losetup', ['--find', '--show', fileOf(volume.volumeId)]);
      const loopDevice = stdout.trim();
      const index = freeIndex();
      attached.set(volume.volumeId, { index, loopDevice });
      const device = await sandbox.add(index, volume.volumeId, loopDevice, bytesOf(volume.sizeGiB));
      return { device, loopDevice };
    },
    detach,
    async resize(volume) {
      await ensureFile(volume);
      const entry = attached.get(volume.volumeId);
      if (!entry) return;
      await options.runner.run('losetup', ['--set-capacity', entry.loopDevice]);
      await sandbox.resize(entry.index, bytesOf(volume.sizeGiB));
    },
    async remove(volumeId) {
      await detach(volumeId);
      await rm(fileOf(volumeId), { force: true });
    },
    async close() {
      for (const volumeId of [...attached.keys()]) await detach(volumeId).catch(() => undefined);
    },
  };
}
