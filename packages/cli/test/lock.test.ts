import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireMountLock, lockFileName } from '../src/run-dir/lock.js';

describe('acquireMountLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ebs-autoscale-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the file after the mount point', () => {
    expect(lockFileName('/var/lib/docker')).toBe('var-lib-docker.lock');
    expect(lockFileName('/scratch/')).toBe('scratch.lock');
    expect(lockFileName('/')).toBe('-.lock');
    expect(lockFileName('/a b')).not.toBe(lockFileName('/a-b'));
  });

  it('writes our PID and refuses a second agent while the first lives', async () => {
    const alive = new Set([100]);
    const lock = await acquireMountLock('/scratch', { dir, pid: 100, isAlive: (pid) => alive.has(pid) });
    expect((await readFile(lock.path, 'utf8')).trim()).toBe('100');
    await expect(acquireMountLock('/scratch', { dir, pid: 200, isAlive: (pid) => alive.has(pid) })).rejects.toThrow(
      /Another ebs-autoscale agent \(PID 100\) already manages \/scratch/,
    );
    // Another mount point is independent.
    const other = await acquireMountLock('/var/lib/docker', { dir, pid: 200, isAlive: (pid) => alive.has(pid) });
    await other.release();
    await lock.release();
    const again = await acquireMountLock('/scratch', { dir, pid: 200, isAlive: (pid) => alive.has(pid) });
    expect((await readFile(again.path, 'utf8')).trim()).toBe('200');
  });

  it('takes over a stale lock whose process is gone, and one holding garbage', async () => {
    await writeFile(join(dir, 'scratch.lock'), '4242\n');
    const lock = await acquireMountLock('/scratch', { dir, pid: 7, isAlive: () => false });
    expect((await readFile(lock.path, 'utf8')).trim()).toBe('7');
    await writeFile(join(dir, 'data.lock'), 'not a pid');
    const other = await acquireMountLock('/data', { dir, pid: 7, isAlive: () => true });
    expect((await readFile(other.path, 'utf8')).trim()).toBe('7');
  });

  it('does not remove a lock that another agent took over', async () => {
    const lock = await acquireMountLock('/scratch', { dir, pid: 1, isAlive: () => false });
    await writeFile(lock.path, '2\n');
    await lock.release();
    expect((await readFile(lock.path, 'utf8')).trim()).toBe('2');
  });

  it('uses the real process table by default', async () => {
    await writeFile(join(dir, 'live.lock'), `${process.pid}\n`);
    await expect(acquireMountLock('/live', { dir, pid: process.pid + 1 })).rejects.toThrow(/already manages/);
  });
});
