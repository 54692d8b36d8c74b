import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AutoscalerStatus } from '@ebs-autoscale/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireMountLock } from '../src/run-dir/lock.js';
import { readStatusReport, statusFilePath, writeStatusReport } from '../src/run-dir/status-file.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ebs-autoscale-status-file-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const report = (pid: number) => ({ pid, writtenAt: 1, status: { mountPoint: '/scratch' } as unknown as AutoscalerStatus });

describe('the run directory never follows a planted symlink', () => {
  it('leaves the targets of links planted at the temporary and the final name untouched', async () => {
    const runDir = join(work, 'run');
    await mkdir(runDir);
    const path = statusFilePath('/scratch', runDir);
    const victims = [join(work, 'victim-temp'), join(work, 'victim-final')];
    for (const victim of victims) await writeFile(victim, 'precious\n');
    // The temporary name the agent used to write: `<file>.<pid>.tmp`, predictable by anyone.
    await symlink(victims[0]!, `${path}.${process.pid}.tmp`);
    await symlink(victims[1]!, path);

    await writeStatusReport(path, report(process.pid));

    for (const victim of victims) expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect((await lstat(path)).isFile()).toBe(true);
    expect((await readStatusReport(path))?.report.pid).toBe(process.pid);
    // No temporary file is left behind (the planted link is left alone).
    expect((await readdir(runDir)).filter((name) => name.endsWith('.tmp') && !name.includes(`.${process.pid}.`))).toEqual([]);
  });

  it('creates the run directory 0750 and refuses one that is a symlink, for the lock and the status file alike', async () => {
    const created = join(work, 'made', 'run');
    await acquireMountLock('/scratch', { dir: created, pid: 1, isAlive: () => false });
    expect((await stat(created)).mode & 0o777).toBe(0o750);

    const elsewhere = join(work, 'elsewhere');
    await mkdir(elsewhere);
    const linked = join(work, 'linked-run');
    await symlink(elsewhere, linked);
    await expect(acquireMountLock('/scratch', { dir: linked })).rejects.toThrow(/run directory .* is a symlink/);
    await expect(writeStatusReport(statusFilePath('/scratch', linked), report(1))).rejects.toThrow(/is a symlink/);
    expect(await readdir(elsewhere)).toEqual([]);
  });
});
