// Issue 12, item 2: no process exits in the middle of an operation. Each test runs a plain script as a
// child process (top-level await, nothing else holding the event loop) against a real ec2-sim with the
// loop backing, through the real SDK over HTTP. With the former clock, whose timers were unref'd, each
// script exited mid-operation: code 13 ("unsettled top-level await"), or 0 before the autoscaler sampled.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findMountAt, readMounts } from '@ebs-autoscale/blockdev';
import { GIB } from '@ebs-autoscale/core';
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import { createEbsProvisioner, TAG_MOUNT_POINT, type EbsProvisionerOptions } from '@ebs-autoscale/provisioner-ebs';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { SOURCE_NODE_OPTIONS } from './helpers/agent-process.js';
import { TEST_LATENCIES } from './helpers/sim-host.js';

const missing = await missingPrerequisites();
if (missing.length > 0) console.warn(`[ebs-autoscale/cli] SKIPPING the keep-alive child-process tests: ${missing.join('; ')}`);

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
/** Under the CLI package's node_modules: the workspace packages resolve from there, and git ignores it. */
const SCRIPTS_PARENT = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));

interface ScriptRun {
  readonly lines: string[];
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the first stdout line that matches, rejects when the script exits first. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  output(): string;
}

/** Runs `source` as an ES module on the workspace's TypeScript sources, as a user's script runs. */
async function runScript(dir: string, source: string): Promise<ScriptRun> {
  // .mjs: Node strips no types under node_modules, and the scripts (the README's block too) are plain JavaScript.
  const file = join(dir, 'script.mjs');
  await writeFile(file, source);
  const child = spawn(process.execPath, [file], { env: { ...process.env, NODE_OPTIONS: SOURCE_NODE_OPTIONS }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (lines.push(...chunk.split('\n').filter(Boolean)), listeners.forEach((l) => l())));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => (resolve({ code, signal }), listeners.forEach((l) => l()))),
  );
  const output = () => `stdout:\n${lines.join('\n')}\nstderr:\n${stderr.join('')}`;
  return {
    lines,
    stderr,
    exited,
    output,
    kill: (signal) => child.kill(signal),
    line: (pattern, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\n${output()}`))), timeoutMs);
        const check = () => {
          const found = lines.find((line) => pattern.test(line));
          if (found !== undefined) return done(() => resolve(found));
          if (child.exitCode !== null || child.signalCode !== null)
            done(() => reject(new Error(`the script exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}\n${output()}`)));
        };
        const done = (settle: () => void) => (clearTimeout(timer), listeners.delete(check), settle());
        listeners.add(check);
        check();
      }),
  };
}

describe.skipIf(missing.length > 0)('a plain script stays alive while an operation is in flight (child processes, ec2-sim with loop devices)', () => {
  let sim: Ec2Simulator | undefined;
  let dir = '';
  const mountPoints: string[] = [];

  const start = async (bytesPerGiB: number) => {
    await mkdir(SCRIPTS_PARENT, { recursive: true });
    dir = await mkdtemp(join(SCRIPTS_PARENT, 'keep-alive-'));
    await mkdir(join(dir, 'sim'));
    sim = await startEc2Simulator({ backing: 'loop', bytesPerGiB, stateDir: join(dir, 'sim'), latencies: TEST_LATENCIES });
    return sim;
  };
  /** What points a provisioner at the simulator: JSON, so a script can take it as it is. */
  const simOptions = (world: Ec2Simulator): Partial<EbsProvisionerOptions> => ({
    ec2ClientConfig: world.clientConfig(),
    metadataEndpoint: world.imdsEndpoint,
    devRoot: world.devRoot!,
    sysRoot: world.sysRoot!,
  });
  const ours = (world: Ec2Simulator, mountPoint: string) => world.volumes().filter((volume) => volume.tags[TAG_MOUNT_POINT] === mountPoint);

  afterEach(async () => {
    for (const mountPoint of mountPoints.splice(0)) {
      if (await findMountAt(await readMounts(), mountPoint)) execFileSync('umount', [mountPoint]);
    }
    await sim?.close();
    sim = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('`await provisioner.provision(...)` at the top level exits 0 with the volume attached', async () => {
    const world = await start(128 * 1024 * 1024);
    const script = await runScript(
      dir,
      [
        "import { createEbsProvisioner } from '@ebs-autoscale/provisioner-ebs';",
        `const provisioner = createEbsProvisioner({ mountPoint: '/scratch', ...${JSON.stringify(simOptions(world))} });`,
        'const volume = await provisioner.provision({ sizeGiB: 2 });',
        'console.log(JSON.stringify(volume));',
      ].join('\n'),
    );
    expect(await script.exited, script.output()).toEqual({ code: 0, signal: null });
    const printed = JSON.parse(script.lines.at(-1) ?? '{}') as { volumeId?: string };
    const [volume] = ours(world, '/scratch');
    expect(volume?.volumeId).toBe(printed.volumeId);
    expect(volume).toMatchObject({ state: 'in-use', attachment: { instanceId: world.instance.instanceId, state: 'attached' } });
  }, 120_000);

  it('a script that releases several volumes in one run releases every one of them', async () => {
    const world = await start(128 * 1024 * 1024);
    const provisioner = createEbsProvisioner({ mountPoint: '/scratch', ...simOptions(world) });
    for (let n = 0; n < 3; n += 1) await provisioner.provision({ sizeGiB: 1 });
    expect(ours(world, '/scratch').filter((volume) => volume.state === 'in-use')).toHaveLength(3);
    const script = await runScript(
      dir,
      [
        "import { createEbsProvisioner } from '@ebs-autoscale/provisioner-ebs';",
        `const provisioner = createEbsProvisioner({ mountPoint: '/scratch', ...${JSON.stringify(simOptions(world))} });`,
        'for (const volume of await provisioner.list()) {',
        '  await provisioner.release(volume.volumeId);',
        '  console.log(`released ${volume.volumeId}`);',
        '}',
      ].join('\n'),
    );
    expect(await script.exited, script.output()).toEqual({ code: 0, signal: null });
    expect(script.lines.filter((line) => line.startsWith('released '))).toHaveLength(3);
    expect(ours(world, '/scratch').filter((volume) => !['deleting', 'deleted'].includes(volume.state))).toEqual([]);
  }, 120_000);

  it("the root README's embedding example, run as written: it scales, and exits 0 on SIGTERM", async () => {
    // One simulated GiB is a real GiB (sparse files): the example's capacity wait counts real bytes.
    const world = await start(GIB);
    const mountPoint = join(dir, 'scratch');
    await mkdir(mountPoint);
    // The example's initial device: an attached volume of the simulator, as /dev/nvme1n1 is on EC2.
    const initial = await createEbsProvisioner({ mountPoint, ...simOptions(world) }).provision({ sizeGiB: 1 });
    const example = embeddingExample(await readFile(README, 'utf8'), { mountPoint, device: initial.device, provisionerOptions: simOptions(world) });
    const script = await runScript(dir, example);
    mountPoints.push(mountPoint);
    // More than half of the 1 GiB used: the predictive policy's free-space net asks for a volume.
    await waitForMount(mountPoint, script);
    execFileSync('fallocate', ['-l', '640M', join(mountPoint, 'fill')]);
    const scaled = await script.line(/^\+\d+ GiB in \d+ ms$/, 120_000);
    expect(scaled).toMatch(/^\+150 GiB/);
    script.kill('SIGTERM');
    expect(await script.exited, script.output()).toEqual({ code: 0, signal: null });
    const volumes = ours(world, mountPoint).filter((volume) => volume.state === 'in-use');
    expect(volumes).toHaveLength(2);
  }, 240_000);
});

describe('StorageAutoscaler.start() holds the process as a listening server does (child processes, memory parts)', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const script = async (keepAlive: string) => {
    await mkdir(SCRIPTS_PARENT, { recursive: true });
    dir = await mkdtemp(join(SCRIPTS_PARENT, 'keep-alive-'));
    return runScript(
      dir,
      [
        "import { StorageAutoscaler, createPredictivePolicy } from '@ebs-autoscale/core';",
        "import { InMemoryDriver, InMemoryProvisioner, MemoryHost } from '@ebs-autoscale/core/testing';",
        'const host = new MemoryHost();',
        'const driver = new InMemoryDriver({ host, initialBytes: 2 ** 30 });',
        `const autoscaler = new StorageAutoscaler({ driver, provisioner: new InMemoryProvisioner({ host }), policy: createPredictivePolicy({ intervalMs: 50 })${keepAlive} });`,
        'let samples = 0;',
        "autoscaler.on('usage:sample', () => console.log(`sample ${++samples}`));",
        'autoscaler.start();',
        "process.on('SIGTERM', () => void autoscaler.stop().then(() => console.log('stopped')));",
      ].join('\n'),
    );
  };

  it('by default it runs until stop(), then lets the process exit', async () => {
    const run = await script('');
    await run.line(/^sample 20$/, 30_000);
    run.kill('SIGTERM');
    expect(await run.exited, run.output()).toEqual({ code: 0, signal: null });
    expect(run.lines.at(-1)).toBe('stopped');
  }, 60_000);

  it('with keepAlive: false it does not hold an idle process', async () => {
    const run = await script(', keepAlive: false');
    expect(await run.exited, run.output()).toEqual({ code: 0, signal: null });
    expect(run.lines).not.toContain('stopped');
  }, 60_000);
});

/**
 * The code block under "## Embedding" in the root README, pointed at the simulator: only the mount
 * point, the initial device and the provisioner's endpoints are replaced. Each replacement must match
 * exactly once, so an edit of the README that this test no longer runs fails here.
 */
function embeddingExample(readme: string, world: { mountPoint: string; device: string; provisionerOptions: Partial<EbsProvisionerOptions> }): string {
  const block = /## Embedding\n\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```ts block under "## Embedding"');
  const replace = (text: string, from: string, to: string, times: number) => {
    const found = text.split(from).length - 1;
    if (found !== times) throw new Error(`README embedding example: expected ${from} ${times} time(s), found ${found}`);
    return text.split(from).join(to);
  };
  let code = replace(
    block,
    "createEbsProvisioner({ mountPoint: '/scratch' })",
    `createEbsProvisioner({ mountPoint: '/scratch', ...${JSON.stringify(world.provisionerOptions)} })`,
    1,
  );
  code = replace(code, "['/dev/nvme1n1']", JSON.stringify([world.device]), 1);
  return replace(code, "'/scratch'", JSON.stringify(world.mountPoint), 2);
}

/** Until the example's prepare() has mounted btrfs at `mountPoint`. */
async function waitForMount(mountPoint: string, script: ScriptRun): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    if ((await findMountAt(await readMounts(), mountPoint))?.fsType === 'btrfs') return;
    const { code } = await Promise.race([script.exited, new Promise<{ code: undefined }>((resolve) => setTimeout(resolve, 100, { code: undefined }))]);
    if (code !== undefined) throw new Error(`the example exited (${code}) before mounting ${mountPoint}\n${script.output()}`);
  }
  throw new Error(`${mountPoint} was not mounted within 60 s\n${script.output()}`);
}
