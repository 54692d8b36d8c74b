import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLocatedConfig, locateConfig, mountConfigPath } from '../src/config/config-location.js';

let work: string;
let dir: string;
let legacy: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ebs-autoscale-config-location-'));
  dir = join(work, 'ebs-autoscale.d');
  legacy = join(work, 'ebs-autoscale.json');
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const write = async (file: string, mountPoint: string) => {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, JSON.stringify({ version: 1, mountPoint }));
};

describe('one configuration per mount point, the legacy file the single-mount default', () => {
  it('names the file by the mount point escaped as its unit instance', () => {
    expect(mountConfigPath('/var/lib/docker')).toBe('/etc/ebs-autoscale.d/var-lib-docker.json');
    expect(mountConfigPath('/scratch/a-b', dir)).toBe(join(dir, 'scratch-a\\x2db.json'));
  });

  it('by mount point: its own file, else the legacy file when that is for it, else its own file to write', async () => {
    const query = { configDir: dir, legacyFile: legacy };
    expect(await locateConfig({ ...query, mountPoint: '/data' })).toEqual({ file: join(dir, 'data.json'), exists: false, mountPoint: '/data' });
    await write(legacy, '/data');
    expect(await locateConfig({ ...query, mountPoint: '/data' })).toEqual({ file: legacy, exists: true, mountPoint: '/data' });
    expect(await locateConfig({ ...query, mountPoint: '/other' })).toEqual({ file: join(dir, 'other.json'), exists: false, mountPoint: '/other' });
    await write(join(dir, 'data.json'), '/data');
    expect((await locateConfig({ ...query, mountPoint: '/data' })).file).toBe(join(dir, 'data.json'));
  });

  it('with neither: the legacy file, else the only file in the directory, else an error listing several', async () => {
    const query = { configDir: dir, legacyFile: legacy };
    expect(await locateConfig(query)).toEqual({ file: legacy, exists: false });
    await write(join(dir, 'a.json'), '/a');
    expect(await locateConfig(query)).toEqual({ file: join(dir, 'a.json'), exists: true });
    await write(join(dir, 'b.json'), '/b');
    await expect(locateConfig(query)).rejects.toThrow(/holds the configurations of 2 mount points \(a\.json, b\.json\); pass --mountpoint/);
    await write(legacy, '/legacy');
    expect(await locateConfig(query)).toEqual({ file: legacy, exists: true });
  });

  it('refuses a --config for another mount point than --mountpoint', async () => {
    await write(join(dir, 'a.json'), '/a');
    await expect(loadLocatedConfig({ config: join(dir, 'a.json'), mountPoint: '/b' })).rejects.toThrow(/mountPoint: is \/a, but this is for \/b/);
    expect((await loadLocatedConfig({ config: join(dir, 'a.json'), mountPoint: '/a' })).config.mountPoint).toBe('/a');
  });
});
