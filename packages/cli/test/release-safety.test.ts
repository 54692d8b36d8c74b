// Issue 12, items 1 and 3, end to end: real btrfs on loop devices, the real SDK against the loop-backed
// simulator, the agent and uninstall as child processes.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIB } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSource } from '../src/host/mount-source.js';
import { main } from '../src/cli/main.js';
import { dropInPathFor } from '../src/systemd/unit-names.js';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { Filler } from '../src/demo/filler.js';
import { AGENT_BIN, AgentProcess } from './helpers/agent-process.js';
import { capture, SimHost, TEST_LATENCIES } from './helpers/sim-host.js';
import { expectAllReleased, tearDown } from './helpers/tear-down.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the release-safety tests (kept volumes, uninstall): ${missing.join('; ')}`);

describe.skipIf(!canRun)('never release a volume that could hold the filesystem; uninstall releases all and can be rerun (root, loop devices, btrfs)', () => {
  let host: SimHost | undefined;
  const agents: AgentProcess[] = [];
  let filler: Filler | undefined;

  afterEach(async () => {
    await tearDown({ filler, agents: agents.splice(0), host });
    [host, filler] = [undefined, undefined];
  });

  const start = (argv: string[]) => {
    const agent = AgentProcess.start(argv);
    agents.push(agent);
    return agent;
  };

  /** Install (volume A), a checksummed file, one scale-up (volume B), the agent stopped. */
  const installAndScaleOnce = async (latencies = TEST_LATENCIES) => {
    host = await SimHost.start({ latencies });
    const installed = await host.install();
    expect(installed.code, installed.text).toBe(0);
    const data = randomBytes(4 * MIB);
    await writeFile(join(host.mountPoint, 'keep.bin'), data);
    const checksum = sha256(data);
    const agent = start(host.runArgv(['--json-logs']));
    await agent.waitForEvent('agent:ready');
    filler = new Filler(host.mountPoint, 16 * MIB);
    filler.start();
    await agent.waitForEvent('scale:complete', { timeoutMs: 90_000 });
    await filler.stop();
    expect(await agent.stop('SIGTERM'), agent.tail()).toEqual({ code: 0, signal: null });
    expect(host.owned()).toHaveLength(2);
    return { host, checksum };
  };

  /** `ebs-autoscale uninstall …` as its own process, with a `systemctl` that only records (the test host's systemd is not ours). */
  const uninstallProcess = async (world: SimHost, extra: string[]) => {
    const bin = await mkdtemp(join(tmpdir(), 'ebs-autoscale-systemctl-'));
    await writeFile(join(bin, 'systemctl'), `#!/bin/sh\necho "$@" >> ${join(bin, 'calls')}\n`);
    await chmod(join(bin, 'systemctl'), 0o755);
    return start([
      '/usr/bin/env',
      `PATH=${bin}:${process.env.PATH ?? ''}`,
      process.execPath,
      AGENT_BIN,
      'uninstall',
      ...world.hostArgs,
      '--release-volumes',
      '--yes',
      ...extra,
    ]);
  };

  it('a restart that cannot see the devices keeps both volumes, attached, with the filesystem intact, and reports them', async () => {
    const { host: world, checksum } = await installAndScaleOnce();
    const members = world
      .owned()
      .map((volume) => volume.volumeId)
      .sort();
    const emptyDevRoot = join(world.work, 'empty-dev');
    await mkdir(emptyDevRoot);
    // The data-loss reproduction of issue 12: --dev-root at an empty directory, as a container's own /dev.
    const blind = start(world.runArgv(['--json-logs', '--dev-root', emptyDevRoot, '--stray-settle', '1']));
    await blind.waitForEvent('agent:ready', { timeoutMs: 60_000 });
    const kept = blind.entries.filter((entry) => entry.event === 'volume:kept');
    expect(kept.map((entry) => entry.volumeId).sort(), blind.tail()).toEqual(members);
    for (const entry of kept) {
      expect(entry).toMatchObject({ reason: 'device-not-visible', level: 40 });
      expect(String(entry.msg)).toMatch(/udev.*by-id.*--dev-root/);
    }
    expect(
      blind.entries.some((entry) => entry.event === 'stray:released'),
      blind.tail(),
    ).toBe(false);
    const status = capture();
    expect(await main(['status', '--config', world.configPath, '--run-dir', world.runDir], status.io)).toBe(0);
    expect(status.text()).toContain('KEPT, not released (2)');
    for (const volumeId of members) expect(status.text()).toContain(volumeId);
    expect(await blind.stop('SIGTERM'), blind.tail()).toEqual({ code: 0, signal: null });

    expect(
      world
        .owned()
        .map((volume) => [volume.volumeId, volume.state])
        .sort(),
    ).toEqual(members.map((volumeId) => [volumeId, 'in-use']));
    const loops = world.owned().map((volume) => volume.loopDevice);
    expect(world.btrfsDevices().sort()).toEqual(loops.sort());
    expect(sha256(await readFile(join(world.mountPoint, 'keep.bin')))).toBe(checksum);
  }, 240_000);

  it('uninstall --release-volumes releases every volume (2) in one run of the CLI process', async () => {
    const { host: world } = await installAndScaleOnce();
    const uninstall = await uninstallProcess(world, []);
    expect(await uninstall.exited, uninstall.tail()).toEqual({ code: 0, signal: null });
    expect(uninstall.tail()).toContain('released 2 volume(s)');
    expect(existsSync(dropInPathFor(world.unitDir, world.mountPoint))).toBe(false);
    await expectAllReleased(world);
  }, 240_000);

  it('uninstall killed after its first release, with the second detach in flight, leaves the unit and fstab line; run again while it still detaches, it waits and finishes', async () => {
    // A long detach, and the kill only once the second volume is detaching: the rerun then starts while
    // that volume is in-use with no device, which the release guard must not be asked to judge (a
    // fresh-clone run failed here when the rerun happened to start inside a 3 s detach).
    const { host: world } = await installAndScaleOnce({ ...TEST_LATENCIES, detach: { kind: 'fixed', ms: 20_000 } });
    const first = await uninstallProcess(world, []);
    await waitForLine(first, /^released vol-/, 120_000);
    const detaching = () => world.owned().find((volume) => volume.attachment?.state === 'detaching');
    await waitFor(() => detaching() !== undefined, 'the second volume to start detaching', first);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(world.owned().length, 'one volume is left for the rerun').toBe(1);
    expect(await mountSource(world.mountPoint)).toBeUndefined();
    // Removed only after every volume: the rerun still finds what is left to do.
    expect(existsSync(dropInPathFor(world.unitDir, world.mountPoint))).toBe(true);
    expect(readFileSync(world.fstab, 'utf8')).toContain(world.mountPoint);

    const again = await uninstallProcess(world, []);
    // The race this test is about: the rerun runs while the detach is still in flight.
    expect(detaching(), 'the detach ended before the rerun started: the test proves nothing').toBeDefined();
    expect(await again.exited, again.tail()).toEqual({ code: 0, signal: null });
    expect(existsSync(dropInPathFor(world.unitDir, world.mountPoint))).toBe(false);
    await expectAllReleased(world);
  }, 300_000);

  it('uninstall refuses, naming the PID, while a `run` agent started outside systemd holds the lock; nothing is unmounted', async () => {
    host = await SimHost.start();
    const installed = await host.install();
    expect(installed.code, installed.text).toBe(0);
    const agent = start(host.runArgv(['--json-logs']));
    await agent.waitForEvent('agent:ready');
    await expect(host.uninstall(['--release-volumes', '--yes'])).rejects.toThrow(new RegExp(`Refused, nothing was unmounted or released: .*PID ${agent.pid}`));
    expect(agent.running).toBe(true);
    expect(await mountSource(host.mountPoint)).toBeDefined();
    expect(host.owned().map((volume) => volume.state)).toEqual(['in-use']);
    expect(existsSync(dropInPathFor(host.unitDir, host.mountPoint))).toBe(true);
    expect(readFileSync(host.fstab, 'utf8')).toContain(host.mountPoint);
  }, 240_000);
});

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Waits until `condition` holds; fails with the process's output if it exits first. */
async function waitFor(condition: () => boolean, what: string, process: AgentProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (!process.running) throw new Error(`exited before ${what}:\n${process.tail()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${process.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the process prints a line matching `pattern`; fails with its output if it exits first. */
async function waitForLine(process: AgentProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!process.output.some((line) => pattern.test(line))) {
    if (!process.running) throw new Error(`exited before printing ${pattern}:\n${process.tail()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${process.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
