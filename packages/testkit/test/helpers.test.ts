// The real-device helpers themselves: the factory must clean up exactly what it made, even mounted.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaRunner } from '@ebs-autoscale/core';
import { afterAll, describe, expect, it } from 'vitest';
import { checksumTree, findMounts, firstMiB, LoopDeviceFactory, requireRootOrWarn, writeRandomFiles } from '../src/index.js';

const MIB = 1024 * 1024;

describe('checksumTree and writeRandomFiles', () => {
  let dir: string | undefined;
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it('hashes every file by relative path and sees a one-byte change', async () => {
    dir = await mkdtemp(join(tmpdir(), 'testkit-'));
    const paths = await writeRandomFiles(join(dir, 'a', 'b'), 3, 1000);
    const before = await checksumTree(dir);
    expect(Object.keys(before)).toEqual(['a/b/file-0000.bin', 'a/b/file-0001.bin', 'a/b/file-0002.bin']);
    await writeFile(paths[1] ?? '', Buffer.alloc(1000));
    const after = await checksumTree(dir);
    expect(after['a/b/file-0001.bin']).not.toBe(before['a/b/file-0001.bin']);
    expect(after['a/b/file-0000.bin']).toBe(before['a/b/file-0000.bin']);
  });
});

describe.skipIf(!requireRootOrWarn('LoopDeviceFactory on real loop devices'))('LoopDeviceFactory', () => {
  it('creates blank sparse devices and cleanup() unmounts, detaches and removes only its own', async () => {
    const runner = createExecaRunner();
    const loops = new LoopDeviceFactory({ runner });
    try {
      const device = await loops.create(64 * MIB);
      expect((await firstMiB(device)).every((byte) => byte === 0)).toBe(true);
      const mountPoint = await loops.mountPoint();
      await runner.run('mkfs.ext4', ['-q', device]);
      await runner.run('mount', [device, mountPoint]);
      expect(await findMounts(device)).toHaveLength(1);
      const backing = (await runner.run('losetup', ['--noheadings', '--output', 'BACK-FILE', device])).stdout.trim();

      await loops.cleanup();
      expect(await findMounts(device)).toEqual([]);
      const attached = (await runner.run('losetup', ['--list', '--noheadings', '--output', 'BACK-FILE'])).stdout;
      expect(attached).not.toContain(backing);
      expect(existsSync(backing)).toBe(false);
      expect(loops.devices).toEqual([]);
      await loops.cleanup(); // twice is fine
    } finally {
      await loops.cleanup();
    }
  });
});
