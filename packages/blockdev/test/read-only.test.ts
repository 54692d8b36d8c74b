// Reading a mount's read-only state from mountinfo lines: the per-mount flags and the superblock's.
import { describe, expect, it } from 'vitest';
import { isReadOnlyAt, isReadOnlyMount, parseMountInfo } from '../src/index.js';

// As the kernel prints them (Debian 12): writable; after `mount -o remount,ro` (both sets say ro);
// a read-only bind over a writable superblock; ext4 remounted by `errors=remount-ro` (the superblock only).
const LINES = [
  '43 27 0:39 / /scratch rw,noatime - btrfs /dev/loop0 rw,space_cache=v2,subvolid=5,subvol=/',
  '44 27 0:40 / /ro ro,noatime - btrfs /dev/loop1 ro,space_cache=v2,subvolid=5,subvol=/',
  '45 27 0:39 / /bind ro,noatime - btrfs /dev/loop0 rw,space_cache=v2,subvolid=5,subvol=/',
  '46 27 7:3 / /broken rw,relatime - ext4 /dev/loop3 ro,errors=remount-ro',
  // "errors=remount-ro" names ro without being it.
  '47 27 7:4 / /root-like rw,relatime - ext4 /dev/loop4 rw,errors=remount-ro',
].join('\n');

describe('isReadOnlyMount', () => {
  const mounts = parseMountInfo(LINES);
  it.each([
    ['/scratch', false],
    ['/ro', true],
    ['/bind', true],
    ['/broken', true],
    ['/root-like', false],
  ])('%s → %s', (mountPoint, readOnly) => {
    expect(isReadOnlyMount(mounts.find((mount) => mount.mountPoint === mountPoint)!)).toBe(readOnly);
  });

  it('isReadOnlyAt looks the mount point up, and says false where nothing is mounted', async () => {
    expect(await isReadOnlyAt(mounts, '/ro')).toBe(true);
    expect(await isReadOnlyAt(mounts, '/scratch')).toBe(false);
    expect(await isReadOnlyAt(mounts, '/nothing-here')).toBe(false);
  });
});
