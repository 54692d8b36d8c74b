import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AutoscalerStatus } from '@ebs-autoscale/core';
import { acquireMountLock } from '../src/run-dir/lock.js';
import { statusCommand } from '../src/cli/status-command.js';
import { ConfigError } from '../src/config/issues.js';
import { loadConfig } from '../src/config/load-config.js';
import { canonicalMountPoint } from '../src/config/mount-point.js';
import { unitNameFor } from '../src/systemd/unit-names.js';
import { statusFilePath, writeStatusReport } from '../src/run-dir/status-file.js';
import { AgentProcess, AGENT_BIN } from './helpers/agent-process.js';
import { capture } from './helpers/sim-host.js';

let work: string;
let real: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ebs-autoscale-mount-point-'));
  real = join(work, 'real');
  await mkdir(real);
  await symlink(real, join(work, 'alias'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const configFor = async (name: string, mountPoint: string) => {
  const path = join(work, name);
  await writeFile(path, JSON.stringify({ version: 1, mountPoint }));
  return path;
};

describe('canonicalMountPoint', () => {
  it('makes one spelling of every alias: trailing slashes, `.`, `..`, double slashes, symlinks', async () => {
    for (const alias of [real, `${real}/`, `${real}/.`, `${real}/./`, `${work}//real`, `${work}/real/../real`, join(work, 'alias'), `${work}/alias/./`]) {
      expect(await canonicalMountPoint(alias), alias).toBe(real);
    }
  });

  it('normalises the part that does not exist yet as text, after resolving the part that does', async () => {
    expect(await canonicalMountPoint(`${work}/alias/new/`)).toBe(join(real, 'new'));
    expect(await canonicalMountPoint(`${work}/missing/../alias/x`)).toBe(join(real, 'x'));
    expect(await canonicalMountPoint('/scratch/')).toBe('/scratch');
    expect(await canonicalMountPoint('/')).toBe('/');
  });

  it('refuses a relative path, control characters, a name longer than the kernel takes and a symlink loop', async () => {
    await symlink(join(work, 'loop'), join(work, 'loop'));
    const cases: [string, RegExp][] = [
      ['scratch', /expected an absolute path/],
      ['/scratch\n[Service]', /without control characters.*U\+000A/],
      ['/scr\0atch', /U\+0000/],
      ['/scr\tatch', /U\+0009/],
      [`/${'x'.repeat(300)}`, /longer than the kernel allows/],
      [join(work, 'loop'), /symlink loop/],
    ];
    for (const [value, message] of cases) {
      const error = await canonicalMountPoint(value).catch((caught: unknown) => caught);
      expect(error, value).toBeInstanceOf(ConfigError);
      expect((error as Error).message, value).toMatch(message);
    }
  });
});

describe('one mount point, one agent, whatever alias the configuration uses', () => {
  it('loads every alias as the real path, so the lock, status file and unit are the same', async () => {
    const names = ['real.json', 'alias.json', 'dot.json', 'slash.json'];
    const spellings = [real, join(work, 'alias'), `${real}/./`, `${work}/alias/`];
    const configs = await Promise.all(names.map((name, index) => configFor(name, spellings[index]!).then(loadConfig)));
    for (const config of configs) {
      expect(config.mountPoint).toBe(real);
      expect(statusFilePath(config.mountPoint, work)).toBe(statusFilePath(real, work));
      expect(unitNameFor(config.mountPoint)).toBe(unitNameFor(real));
    }
    const lock = await acquireMountLock(configs[0]!.mountPoint, { dir: join(work, 'run'), pid: 100, isAlive: () => true });
    await expect(acquireMountLock(configs[1]!.mountPoint, { dir: join(work, 'run'), pid: 200, isAlive: () => true })).rejects.toThrow(/PID 100/);
    await lock.release();
  });

  it('`status --mountpoint <alias>` reads the status file of the real mount point', async () => {
    const runDir = join(work, 'run');
    await writeStatusReport(statusFilePath(real, runDir), { pid: process.pid, writtenAt: 1, status: { mountPoint: real } as unknown as AutoscalerStatus });
    const out = capture();
    expect(await statusCommand(['--mountpoint', `${work}/alias/`, '--run-dir', runDir, '--json'], out.io), out.text()).toBe(0);
    expect(JSON.parse(out.text())).toMatchObject({ running: true, pid: process.pid });
  });

  it('refuses `run` on the alias while an agent holds the real mount point', async () => {
    const runDir = join(work, 'run');
    const lock = await acquireMountLock(real, { dir: runDir });
    try {
      const agent = AgentProcess.start([process.execPath, AGENT_BIN, 'run', '--config', await configFor('alias.json', `${work}/alias/.`), '--run-dir', runDir]);
      const exit = await agent.exited;
      expect(exit.code, agent.tail()).not.toBe(0);
      expect(agent.tail()).toContain(`Another ebs-autoscale agent (PID ${process.pid}) already manages ${real}`);
    } finally {
      await lock.release();
    }
  }, 60_000);
});
