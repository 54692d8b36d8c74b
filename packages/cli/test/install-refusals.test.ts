import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSource } from '../src/host/mount-source.js';
import { installCommand } from '../src/cli/install-command.js';
import { main } from '../src/cli/main.js';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { AGENT_BIN } from './helpers/agent-process.js';
import { capture, SimHost, smallConfig, SystemctlRecorder } from './helpers/sim-host.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the install refusal tests (they mount tmpfs, ext4 and btrfs on loop devices): ${missing.join('; ')}`);

/** The EC2 calls that change something, by action, as the simulator counted them. */
function mutatingCalls(host: SimHost): Record<string, number> {
  return Object.fromEntries(Object.entries(host.sim.stats().calls).filter(([action]) => /^(Create|Attach|Detach|Delete|Modify)/.test(action)));
}

/** `ebs-autoscale install` through main(), as cloud-init runs it: an error is a message and exit code 1. */
async function installThroughMain(host: SimHost): Promise<{ code: number; text: string }> {
  const out = capture();
  const code = await main(['install', ...host.hostArgs, '--node', process.execPath, '--bin', AGENT_BIN, '--timeout', '120'], out.io);
  return { code, text: out.text() };
}

/**
 * Runs everything as {@link SystemctlRecorder} does, but one command (by name and first argument) as
 * told: failing (`false`), or late, so the install's deadline passes while it runs.
 */
class Sabotage implements CommandRunner {
  readonly recorder = new SystemctlRecorder();
  constructor(
    private readonly target: readonly string[],
    private readonly how: 'fail' | { delayMs: number },
  ) {}
  async run(command: string, args: readonly string[], options?: Parameters<CommandRunner['run']>[2]) {
    const hit = command === this.target[0] && (this.target[1] === undefined || args[0] === this.target[1]);
    const how = this.how;
    if (hit && how === 'fail') return this.recorder.run('false', [], options);
    if (hit && how !== 'fail') await new Promise((resolve) => setTimeout(resolve, how.delayMs));
    return this.recorder.run(command, args, options);
  }
}

describe.skipIf(!canRun)('install refuses a bad mount point before any EC2 call that changes something (root, loop devices)', () => {
  let host: SimHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  const expectRefused = async (result: { code: number; text: string }, problem: string) => {
    expect(result.code, result.text).toBe(1);
    expect(result.text).toContain(problem);
    expect(result.text).toContain('nothing was created');
    expect(mutatingCalls(host!)).toEqual({});
    expect(host!.everOwned()).toEqual([]);
    expect(existsSync(host!.unitDir) ? await readdir(host!.unitDir) : []).toEqual([]);
  };

  it('a regular file', async () => {
    host = await SimHost.start();
    await rm(host.mountPoint, { recursive: true });
    await writeFile(host.mountPoint, 'not a directory\n');
    const result = await installThroughMain(host);
    await expectRefused(result, `The mount point ${host.mountPoint} is a regular file, and a filesystem can only be mounted on a directory`);
    expect(result.text).toContain(`Remove or move ${host.mountPoint}`);
  });

  it('a tmpfs mounted there', async () => {
    host = await SimHost.start();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'ebs-autoscale-test', host.mountPoint]);
    const result = await installThroughMain(host);
    await expectRefused(result, `The mount point ${host.mountPoint} already has another filesystem mounted: tmpfs from ebs-autoscale-test`);
    expect(result.text).toContain(`unmount ${host.mountPoint} first`);
  });

  it('an ext4 loop device mounted there', async () => {
    host = await SimHost.start();
    const image = join(host.work, 'ext4.img');
    execFileSync('truncate', ['-s', '32M', image]);
    execFileSync('mkfs.ext4', ['-q', '-F', image]);
    execFileSync('mount', ['-o', 'loop', image, host.mountPoint]);
    await expectRefused(await installThroughMain(host), `The mount point ${host.mountPoint} already has another filesystem mounted: ext4 from /dev/loop`);
  });

  it('the root filesystem', async () => {
    host = await SimHost.start({ config: () => smallConfig('/') });
    await expectRefused(await installThroughMain(host), 'The mount point / already has another filesystem mounted');
  });

  it('a newline in --mountpoint, before anything is written', async () => {
    host = await SimHost.start();
    await rm(host.configPath);
    const out = capture();
    const code = await main(['install', ...host.hostArgs, '-m', `${host.work}/x\n[Service]\nExecStartPre=/bin/sh -c id`, '--bin', AGENT_BIN], out.io);
    expect(code, out.text()).not.toBe(0);
    expect(out.text()).toContain('--mountpoint: expected a path without control characters');
    expect(existsSync(host.configPath)).toBe(false);
    expect(existsSync(host.unitDir)).toBe(false);
    expect(mutatingCalls(host)).toEqual({});
  });

  it('an --initial-size above the volume type’s maximum', async () => {
    host = await SimHost.start();
    const out = capture();
    const code = await main(['install', ...host.hostArgs, '--initial-size', '1e20', '--bin', AGENT_BIN], out.io);
    expect(code, out.text()).toBe(1);
    expect(out.text()).toContain("The first volume's size: expected a whole number of GiB from 1 to 65536 for gp3 volumes");
    expect(mutatingCalls(host)).toEqual({});
  });
});

describe.skipIf(!canRun)('install releases the volume it created when a later step fails (root, loop devices, btrfs)', () => {
  let host: SimHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('the driver’s prepare fails (mkfs.btrfs): the new volume is detached and deleted', async () => {
    host = await SimHost.start();
    const out = capture();
    const error = await installCommand([...host.hostArgs, '--node', process.execPath, '--bin', AGENT_BIN, '--timeout', '120'], out.io, {
      runner: new Sabotage(['mkfs.btrfs'], 'fail'),
    }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    // Deleted volumes leave the simulator's list, so the id comes from what install said.
    expect(out.text()).toMatch(/released vol-[0-9a-f]+, the volume this install created/);
    await host.sim.settled();
    expect(host.owned()).toEqual([]);
    expect(mutatingCalls(host)).toMatchObject({ CreateVolume: 1, AttachVolume: 1, DetachVolume: 1, DeleteVolume: 1 });
  }, 60_000);

  it('systemctl enable fails after the filesystem is made: unit, mount, fstab line and volume are undone', async () => {
    host = await SimHost.start();
    const out = capture();
    const runner = new Sabotage(['systemctl', 'enable'], 'fail');
    const error = await installCommand([...host.hostArgs, '--node', process.execPath, '--bin', AGENT_BIN, '--timeout', '120'], out.io, { runner }).catch(
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(out.text()).toContain('the volume this install created');
    await host.sim.settled();
    expect(host.owned()).toEqual([]);
    expect(await mountSource(host.mountPoint)).toBeUndefined();
    expect(readFileSync(host.fstab, 'utf8')).not.toContain(host.mountPoint);
    expect(await readdir(host.unitDir)).toEqual([]);
  }, 60_000);

  it('the deadline passes during prepare: the volume is released once prepare returns, and no agent is started', async () => {
    host = await SimHost.start();
    const out = capture();
    const runner = new Sabotage(['mkfs.btrfs'], { delayMs: 10_000 });
    const code = await installCommand([...host.hostArgs, '--node', process.execPath, '--bin', AGENT_BIN, '--timeout', '8'], out.io, { runner }).catch(
      (caught: Error) => (out.io.stderr.write(caught.message), 1),
    );
    expect(code).toBe(1);
    expect(out.text()).toContain('did not finish within 8 s');
    expect(host.owned(), 'the volume was created before the deadline').toHaveLength(1);
    // The install's work goes on in the background until prepare returns, then undoes itself.
    for (let attempt = 0; attempt < 100 && host.owned().length > 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 250));
    await host.sim.settled();
    expect(host.owned()).toEqual([]);
    expect(mutatingCalls(host)).toMatchObject({ CreateVolume: 1, DeleteVolume: 1 });
    expect(runner.recorder.systemctl.filter(([verb]) => verb === 'enable')).toEqual([]);
  }, 60_000);

  it('AttachVolume fails: the provisioner deletes what it created', async () => {
    host = await SimHost.start();
    host.sim.faults.fail('AttachVolume', { code: 'InvalidVolume.ZoneMismatch', message: 'injected' });
    const result = await installThroughMain(host);
    expect(result.code, result.text).toBe(1);
    await host.sim.settled();
    expect(host.owned()).toEqual([]);
    expect(mutatingCalls(host)).toMatchObject({ CreateVolume: 1, DeleteVolume: 1 });
  }, 60_000);

  it('a rerun on our own filesystem changes nothing and buys nothing', async () => {
    host = await SimHost.start();
    const first = await host.install();
    expect(first.code, first.text).toBe(0);
    host.sim.resetStats();
    const again = await host.install();
    expect(again.code, again.text).toBe(0);
    expect(again.text).toContain('nothing changed');
    expect(mutatingCalls(host)).toEqual({});
    expect(host.owned()).toHaveLength(1);
  }, 60_000);
});
