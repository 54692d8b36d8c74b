// mountinfo parsing (proc(5)) and the lookups the drivers make on it; files and fake tables, no root.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeviceMount, findMountAt, isMountOf, parseMountInfo, readMounts, type MountEntry, type ResolvedDevice } from '../src/index.js';

// Real lines from a Debian 12 host: one with optional fields (shared:N), one without, a btrfs on an
// anonymous device number, and a mount point with a space and a backslash.
const SAMPLE = [
  '22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p1 rw,discard,errors=remount-ro',
  '25 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
  '43 27 0:39 / /tmp/my\\040mnt rw,noatime - btrfs /dev/loop0 rw,space_cache=v2',
  '44 22 7:3 / /srv/a\\134b\\011c rw - ext4 /dev/loop3 rw',
  '',
].join('\n');

describe('parseMountInfo', () => {
  it('reads source, type, options and an escaped mount point', () => {
    const [entry] = parseMountInfo('43 27 0:39 / /tmp/my\\040mnt rw,noatime - btrfs /dev/loop0 rw,space_cache=v2\n');
    expect(entry).toEqual({
      majorMinor: '0:39',
      mountPoint: '/tmp/my mnt',
      mountOptions: 'rw,noatime',
      fsType: 'btrfs',
      source: '/dev/loop0',
      options: 'rw,space_cache=v2',
    });
  });

  it('splits at " - " whatever the number of optional fields, and undoes every octal escape', () => {
    const entries = parseMountInfo(SAMPLE);
    expect(entries.map((e) => [e.majorMinor, e.mountPoint, e.fsType, e.source])).toEqual([
      ['259:2', '/', 'ext4', '/dev/nvme0n1p1'],
      ['0:21', '/proc', 'proc', 'proc'],
      ['0:39', '/tmp/my mnt', 'btrfs', '/dev/loop0'],
      ['7:3', '/srv/a\\b\tc', 'ext4', '/dev/loop3'],
    ]);
  });

  it('unescapes a source with a space too', () => {
    const [entry] = parseMountInfo('50 22 0:50 / /mnt/x rw - fuse.sshfs user@host:/my\\040dir rw\n');
    expect(entry?.source).toBe('user@host:/my dir');
  });

  it('skips lines without the separator or too short to carry the fields', () => {
    expect(parseMountInfo('garbage\n1 2 3:4 / - ext4\n\n')).toEqual([]);
  });
});

describe('readMounts and the lookups', () => {
  let dir = '';
  const loop3: ResolvedDevice = { path: '/dev/loop3', name: 'loop3', majorMinor: '7:3' };
  const entry = (over: Partial<MountEntry>): MountEntry => ({
    majorMinor: '0:1',
    mountPoint: '/x',
    mountOptions: 'rw',
    fsType: 'ext4',
    source: 'none',
    options: 'rw',
    ...over,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'blockdev-mounts-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a mountinfo file given by path', async () => {
    await writeFile(join(dir, 'mountinfo'), SAMPLE);
    expect((await readMounts(join(dir, 'mountinfo'))).map((e) => e.mountPoint)).toEqual(['/', '/proc', '/tmp/my mnt', '/srv/a\\b\tc']);
  });

  it("reads this process's own table by default", async () => {
    expect((await readMounts()).some((e) => e.mountPoint === '/')).toBe(true);
  });

  it('matches a mount to a device by major:minor or by its source path', async () => {
    expect(await isMountOf(entry({ majorMinor: '7:3' }), loop3)).toBe(true);
    expect(await isMountOf(entry({ majorMinor: '0:39', source: '/dev/loop3' }), loop3)).toBe(true);
    expect(await isMountOf(entry({ majorMinor: '0:39', source: '/dev/loop4' }), loop3)).toBe(false);
  });

  it('follows a symlinked source to the device node', async () => {
    await mkdir(join(dir, 'by-id'), { recursive: true });
    const target = join(dir, 'node');
    await writeFile(target, '');
    await symlink(target, join(dir, 'by-id', 'link'));
    const device: ResolvedDevice = { path: target, name: 'node', majorMinor: '9:9' };
    expect(await isMountOf(entry({ source: join(dir, 'by-id', 'link') }), device)).toBe(true);
  });

  it('finds the first mount of a device, or none', async () => {
    const mounts = parseMountInfo(SAMPLE);
    expect((await findDeviceMount(mounts, loop3))?.mountPoint).toBe('/srv/a\\b\tc');
    expect((await findDeviceMount(mounts, { path: '/dev/loop0', name: 'loop0', majorMinor: '7:0' }))?.mountPoint).toBe('/tmp/my mnt');
    expect(await findDeviceMount(mounts, { path: '/dev/sdz', name: 'sdz', majorMinor: '65:144' })).toBeUndefined();
  });

  it('returns the topmost of the mounts stacked on a mount point, through a symlinked path', async () => {
    const real = join(dir, 'real');
    await mkdir(real, { recursive: true });
    await symlink(real, join(dir, 'alias'));
    const mounts = [entry({ mountPoint: real, source: 'first' }), entry({ mountPoint: '/other' }), entry({ mountPoint: real, source: 'second' })];
    expect((await findMountAt(mounts, join(dir, 'alias')))?.source).toBe('second');
    expect(await findMountAt(mounts, join(dir, 'missing'))).toBeUndefined();
  });
});
