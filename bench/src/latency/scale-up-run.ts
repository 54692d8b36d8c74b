import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCompatibilityPolicy, createExecaRunner, GIB, StorageAutoscaler, type CommandRunner } from '@ebs-autoscale/core';
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import { createEbsProvisioner } from '@ebs-autoscale/provisioner-ebs';
import type { FilesystemUnderTest, MountedFilesystem } from './filesystems.js';
import { TimingRunner } from './timing-runner.js';

/** The steps of one scale-up, ms, in order; they add up to `total`. */
export interface ScaleUpSteps {
  /** threshold:crossed → scale:start. */
  readonly decide: number;
  /** scale:start → AttachVolume sent: limit checks, CreateVolume, polling until `available`. */
  readonly create: number;
  /** AttachVolume sent → DeleteOnTermination set: polling until `attached`, ModifyInstanceAttribute. */
  readonly attach: number;
  /** DeleteOnTermination set → the provisioner returns the visible device. */
  readonly discover: number;
  /** volume:provisioned → device:added (the driver's extend: `btrfs device add`, or LVM's commands and the filesystem's growth). */
  readonly extend: number;
  /** device:added → scale:complete (the driver reports the new capacity). */
  readonly confirm: number;
  readonly total: number;
  /** Time inside EC2 API calls (HTTP round trips to the simulator), summed over the operation. */
  readonly ec2Calls: number;
  /** The extend step by command the driver ran (`lvextend`: ms, summed); the rest of it is the driver's own code. */
  readonly extendByCommand: Readonly<Record<string, number>>;
}

/** Options of {@link runScaleUp}. */
export interface ScaleUpRunOptions {
  /** Real bytes per simulated GiB. */
  readonly bytesPerGiB: number;
  /** The filesystem built on the first volume and grown (its first volume's size included). */
  readonly filesystem: FilesystemUnderTest;
  /** Give up on the scale-up after this long. Default 60 s; TCG in the VM needs more. */
  readonly timeoutMs?: number | undefined;
  readonly runner?: CommandRunner | undefined;
}

/**
 * One scale-up on real devices, the way packages/cli/src/demo/run-demo.ts wires it: a loop-backed EC2
 * simulator with zero latencies, the real EBS provisioner pointed at its endpoints and sandbox
 * dev/sys roots, the filesystem under test on its first volume, and core's StorageAutoscaler with the compatibility
 * policy (a plain threshold, 50 %, sampled every 2 s, so "the threshold crossing" is one event). Fills
 * 80 % of the free space, waits for the scale-up, and returns its steps from the autoscaler's and the
 * provisioner's own event timestamps. Removes everything it made, also on failure.
 */
export async function runScaleUp(options: ScaleUpRunOptions): Promise<ScaleUpSteps> {
  const runner = options.runner ?? createExecaRunner();
  const workDir = await mkdtemp(join(tmpdir(), 'ebs-autoscale-bench-latency-'));
  const mountPoint = join(workDir, 'scratch');
  await mkdir(mountPoint);
  let sim: Ec2Simulator | undefined;
  let mounted: MountedFilesystem | undefined;
  let autoscaler: StorageAutoscaler | undefined;
  try {
    sim = await startEc2Simulator({ backing: 'loop', bytesPerGiB: options.bytesPerGiB, stateDir: join(workDir, 'sim'), latencies: 'zero', runner });
    const provisioner = createEbsProvisioner({
      mountPoint,
      metadataEndpoint: sim.imdsEndpoint,
      ec2ClientConfig: sim.clientConfig(),
      devRoot: sim.devRoot,
      sysRoot: sim.sysRoot,
    });
    // The first volume goes through the provisioner too, as `install` does, so it is owned and tagged.
    const first = await provisioner.provision({ sizeGiB: options.filesystem.initialSizeGiB });
    // Only the driver's commands are timed: the simulator's losetup runs during attach, not extend.
    const timing = new TimingRunner(runner);
    mounted = await options.filesystem.setUp(mountPoint, first.device, timing);
    const driver = mounted.driver;
    autoscaler = new StorageAutoscaler({
      driver,
      provisioner,
      policy: createCompatibilityPolicy(),
      // Capacity grows by real bytes, which the simulator scales down from GiB (as in the demo).
      capacity: { minGrowthRatio: (0.5 * options.bytesPerGiB) / GIB },
    });
    const marks = new Map<string, number>();
    const mark = (name: string, at: number) => {
      if (!marks.has(name)) marks.set(name, at);
    };
    let ec2Ms = 0;
    autoscaler.on('threshold:crossed', (e) => e.direction === 'above' && mark('crossed', e.at));
    autoscaler.on('scale:start', (e) => mark('start', e.at));
    autoscaler.on('volume:provisioned', (e) => mark('provisioned', e.at));
    autoscaler.on('device:added', (e) => mark('added', e.at));
    provisioner.on('ec2:call', (e) => {
      if (!marks.has('start') || marks.has('provisioned')) return;
      ec2Ms += e.durationMs;
      if (e.action === 'AttachVolume') mark('attachSent', e.at - e.durationMs);
      if (e.action === 'ModifyInstanceAttribute') mark('deleteOnTermination', e.at);
    });
    const done = new Promise<number>((resolve, reject) => {
      autoscaler!.on('scale:complete', (e) => resolve(e.at));
      autoscaler!.on('scale:failed', (e) => reject(new Error(`scale-up failed at ${e.stage}: ${e.error.message}`)));
      const timeoutMs = options.timeoutMs ?? 60_000;
      setTimeout(() => reject(new Error(`no scale-up within ${timeoutMs / 1000} s`)), timeoutMs).unref();
    });
    const sampled = new Promise<void>((resolve) => autoscaler!.once('usage:sample', () => resolve()));
    autoscaler.start();
    await sampled;
    // Most of what is left: well past the 50 % threshold, short of ENOSPC (btrfs keeps metadata room,
    // and a thin pool as large as its LV still has room for the filesystem's own writes).
    await fill(mountPoint, 0.8 * (await driver.usage()).availableBytes);
    const complete = await done;
    const at = (name: string) => {
      const value = marks.get(name);
      if (value === undefined) throw new Error(`no '${name}' event during the scale-up`);
      return value;
    };
    return {
      decide: at('start') - at('crossed'),
      create: at('attachSent') - at('start'),
      attach: at('deleteOnTermination') - at('attachSent'),
      discover: at('provisioned') - at('deleteOnTermination'),
      extend: at('added') - at('provisioned'),
      confirm: complete - at('added'),
      total: complete - at('crossed'),
      ec2Calls: ec2Ms,
      extendByCommand: timing.between(at('provisioned'), at('added')),
    };
  } finally {
    await autoscaler?.stop().catch(() => undefined);
    // Unmount (and remove a VG) before the simulator detaches the loop devices under the filesystem.
    await mounted?.tearDown();
    await sim?.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Writes `bytes` of data and fsyncs it, so the filesystem accounts it before the next sample. */
async function fill(mountPoint: string, bytes: number): Promise<void> {
  const handle = await open(join(mountPoint, 'fill.bin'), 'w');
  try {
    const chunk = Buffer.alloc(4 * 1024 * 1024, 0xa5);
    for (let written = 0; written < bytes; written += chunk.length) await handle.write(chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
