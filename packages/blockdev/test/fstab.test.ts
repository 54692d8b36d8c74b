// ensureFstabEntry on files of the test's own: one line per filesystem, however often it runs.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureFstabEntry, type FstabEntry } from '../src/index.js';

const UUID = '0b2b4ad5-5f54-4c8e-9a7a-1f2e3d4c5b6a';
const ENTRY: FstabEntry = { uuid: UUID, mountPoint: '/scratch', fsType: 'btrfs', options: ['noatime', 'nofail'] };

describe('ensureFstabEntry', () => {
  let dir = '';
  let path = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'blockdev-fstab-'));
    path = join(dir, 'fstab');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates a missing fstab with one line by UUID', async () => {
    expect(await ensureFstabEntry(path, ENTRY)).toBe(true);
    expect(await readFile(path, 'utf8')).toBe(`UUID=${UUID} /scratch btrfs noatime,nofail 0 0\n`);
    expect((await stat(path)).mode & 0o777).toBe(0o644);
  });

  it('is idempotent: a second and third call write nothing', async () => {
    await ensureFstabEntry(path, ENTRY);
    const once = await readFile(path, 'utf8');
    expect(await ensureFstabEntry(path, ENTRY)).toBe(false);
    expect(await ensureFstabEntry(path, { ...ENTRY, options: ['defaults'] })).toBe(false);
    expect(await readFile(path, 'utf8')).toBe(once);
    expect(await readdir(dir)).toEqual(['fstab']);
  });

  it('escapes a space in the mount point as \\040 and still recognises its own line', async () => {
    const entry = { ...ENTRY, mountPoint: '/mnt/my data' };
    expect(await ensureFstabEntry(path, entry)).toBe(true);
    expect(await ensureFstabEntry(path, { ...entry, uuid: 'another-uuid' })).toBe(false);
    expect(await readFile(path, 'utf8')).toBe(`UUID=${UUID} /mnt/my\\040data btrfs noatime,nofail 0 0\n`);
  });

  it('leaves a line for the same mount point or UUID alone, and ignores comments', async () => {
    await writeFile(path, `/dev/sdb1 /scratch ext4 defaults 0 2\n`);
    expect(await ensureFstabEntry(path, ENTRY)).toBe(false);
    await writeFile(path, `UUID=${UUID}\t/elsewhere  btrfs defaults 0 0\n`);
    expect(await ensureFstabEntry(path, ENTRY)).toBe(false);
    await writeFile(path, `# UUID=${UUID} /scratch btrfs defaults 0 0\n`);
    expect(await ensureFstabEntry(path, ENTRY)).toBe(true);
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3);
  });

  it('appends after existing content, adding the missing final newline', async () => {
    await writeFile(path, '# existing\n/dev/root / ext4 defaults 0 1');
    expect(await ensureFstabEntry(path, ENTRY)).toBe(true);
    expect(await readFile(path, 'utf8')).toBe(`# existing\n/dev/root / ext4 defaults 0 1\nUUID=${UUID} /scratch btrfs noatime,nofail 0 0\n`);
  });
});
