// Cross-check of the fleet model (bench/src/fleet/ours.ts, ours-hybrid.ts) against the code it models: the real
// StorageAutoscaler and EbsProvisioner (real AWS SDK over HTTP) against the real ec2-sim, memory backing,
// so no root is needed. The model never runs the code, so without this nothing says the two agree.
//
// What is compared: EC2 requests by action (every attempt, throttled ones included: ec2-sim's
// `stats().calls` on one side, the model account's `calls` on the other), requests refused as throttled
// by action, the order of the mutating requests, and how many scale-ups failed before one completed.
//
// Not here: a wave of many real provisioners sharing the buckets. ec2-sim pre-creates exactly one
// instance (DescribeInstances and AttachVolume refuse any other id), and provisioners sharing that one
// instance would race for device names, which the model's one-agent-per-instance fleet never does:
// the counts would differ for a reason that is not the model's. Throttling is cross-checked instead by
// refusing the same requests on both sides (ec2-sim's `faults.throttle`, a scripted model account).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCompatibilityPolicy, GIB, StorageAutoscaler, type BackoffOptions } from '@ebs-autoscale/core';
import { InMemoryDriver, MemoryHost } from '@ebs-autoscale/core/testing';
import { startEc2Simulator } from '@ebs-autoscale/ec2-sim';
import { createEbsProvisioner, DEFAULT_SCHEDULES, resolveSchedules, type EbsSchedules } from '@ebs-autoscale/provisioner-ebs';
import { describe, expect, it } from 'vitest';
import { Ec2Account, type FleetAction } from '../src/fleet/account.js';
import { EventQueue } from '../src/fleet/event-queue.js';
import { startOurs } from '../src/fleet/ours.js';
import { startOursHybrid } from '../src/fleet/ours-hybrid.js';
import { runFleet } from '../src/fleet/run.js';
import type { AgentRecord } from '../src/fleet/world.js';
import type { Latencies } from '../src/policy/latencies.js';
import { constant, createRandom } from '../src/sim/random.js';

const MUTATING = ['CreateVolume', 'AttachVolume', 'ModifyInstanceAttribute', 'DetachVolume', 'DeleteVolume', 'CreateTags', 'ModifyVolume'];

/** Short schedules, so a throttled call's three attempts take milliseconds; two retries, so three refusals exhaust one call. */
const FAST: EbsSchedules = resolveSchedules({
  apiRetry: { retries: 2, initialDelayMs: 5, maxDelayMs: 20 },
  volumeAvailable: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 10_000 },
  attachment: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 10_000 },
  device: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 },
});
/** The autoscaler's backoff after a failed scale-up, on both sides: short, so the retry comes at once. */
const BACKOFF: BackoffOptions = { initialDelayMs: 20, jitter: 0 };

/** What one agent's scale-up did at EC2, on either side. */
interface ScaleUpCalls {
  readonly calls: Record<string, number>;
  readonly throttled: Record<string, number>;
  /** Mutating requests (attempts) in the order they were made. */
  readonly mutatingOrder: string[];
  readonly failedScaleUps: number;
}

/**
 * One real scale-up: StorageAutoscaler (compatibility policy, so one sample past 50 % decides; the
 * policy only decides when, not which EC2 calls follow) over an in-memory filesystem, the real
 * EbsProvisioner pointed at the simulator's EC2 and IMDS endpoints. Memory backing has no kernel, so
 * on `volume:attached` the test writes the NVMe controller entries a Nitro host shows (as
 * packages/provisioner-ebs/test/harness.ts does), and on `device:discovered` the in-memory host gets
 * the device at the volume's size. `refuse` throttles the first N requests of each action.
 */
async function realScaleUp(options: { schedules?: EbsSchedules; refuse?: Record<string, number>; hybrid?: boolean } = {}) {
  const sim = await startEc2Simulator({ latencies: 'zero' });
  const scratch = await mkdtemp(join(tmpdir(), 'fleet-crosscheck-'));
  try {
    const devRoot = join(scratch, 'dev');
    const sysRoot = join(scratch, 'sys');
    await mkdir(devRoot, { recursive: true });
    await mkdir(join(sysRoot, 'class', 'nvme'), { recursive: true });
    const provisioner = createEbsProvisioner({
      mountPoint: '/scratch',
      metadataEndpoint: sim.imdsEndpoint,
      ec2ClientConfig: sim.clientConfig(),
      devRoot,
      sysRoot,
      ...(options.schedules ? { schedules: options.schedules } : {}),
    });
    let controller = 0;
    provisioner.on('volume:attached', ({ volumeId }) => {
      controller += 1;
      const dir = join(sysRoot, 'class', 'nvme', `nvme${controller}`);
      const node = `nvme${controller}n1`;
      void mkdir(join(dir, node), { recursive: true })
        .then(() => writeFile(join(dir, 'serial'), `${volumeId.replace('-', '')}\n`))
        .then(() => writeFile(join(devRoot, node), ''));
    });
    const host = new MemoryHost();
    const devices = new Map<string, string>();
    provisioner.on('device:discovered', ({ device, volumeId }) => {
      devices.set(device, volumeId);
      host.devices.set(device, (sim.volume(volumeId)?.sizeGiB ?? 0) * GIB);
    });
    // A grown volume's device shows its new size once the modification is `optimizing`: memory backing
    // has no kernel, so after each modification poll the host takes the simulator's sizes.
    provisioner.on('ec2:call', ({ action }) => {
      if (action !== 'DescribeVolumesModifications') return;
      for (const [device, volumeId] of devices) host.devices.set(device, (sim.volume(volumeId)?.sizeGiB ?? 0) * GIB);
    });
    const mutatingOrder: string[] = [];
    provisioner.on('ec2:call', ({ action }) => MUTATING.includes(action) && mutatingOrder.push(action));

    const driver = new InMemoryDriver({
      host,
      initialBytes: 100 * GIB,
      mountPoint: '/scratch',
      methods: { extend: true, growInPlace: options.hybrid ?? false },
    });
    const autoscaler = new StorageAutoscaler({
      driver,
      provisioner,
      policy: createCompatibilityPolicy(),
      retry: BACKOFF,
      hybridGrowth: options.hybrid ?? false,
    });
    let failedScaleUps = 0;
    autoscaler.on('scale:failed', () => (failedScaleUps += 1));
    // The first evaluation lists the owned volumes (one DescribeVolumes) and reads IMDS: agent start-up,
    // which happened long before the wave. The model starts at the crossing, so the count starts here.
    expect((await autoscaler.evaluate()).decision?.action).toBe('none');
    const scaleUp = async () => {
      let scaled: string | undefined;
      for (let evaluation = 0; evaluation < 50 && scaled !== 'complete'; evaluation += 1) {
        ({ scaled } = await autoscaler.evaluate());
        if (scaled !== 'complete') await new Promise((resolve) => setTimeout(resolve, 10)); // sit out the backoff
      }
      expect(scaled, 'the real scale-up never completed').toBe('complete');
    };
    if (options.hybrid) {
      // The in-memory initial disk is no volume the provisioner owns, so the first scale-up adds one
      // (the model's fleet starts from an owned volume); the counted scale-up grows that one in place.
      driver.write(60 * GIB);
      await scaleUp();
      driver.write((await driver.usage()).totalBytes - (await driver.usage()).usedBytes - 5 * GIB);
    } else driver.write(60 * GIB);
    sim.resetStats();
    mutatingOrder.length = 0;
    for (const [action, count] of Object.entries(options.refuse ?? {})) sim.faults.throttle({ actions: [action], count });
    await scaleUp();
    const stats = sim.stats();
    const attached = sim.volumes().filter((volume) => volume.volumeId !== sim.instance.rootVolumeId && volume.state === 'in-use');
    expect(attached).toHaveLength(1);
    expect(attached[0]!.attachment).toMatchObject({ instanceId: sim.instance.instanceId, state: 'attached', deleteOnTermination: true });
    return { calls: { ...stats.calls }, throttled: { ...stats.throttled }, mutatingOrder, failedScaleUps } satisfies ScaleUpCalls;
  } finally {
    await sim.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The fleet model's account, refusing the first N requests of each action as throttled, and recording the order of mutating ones. */
class ScriptedAccount extends Ec2Account {
  readonly mutatingOrder: string[] = [];

  constructor(private readonly refusals: Record<string, number>) {
    super();
  }

  override call(action: FleetAction, seconds: number, narrowed = true): boolean {
    if (MUTATING.includes(action)) this.mutatingOrder.push(action);
    const left = this.refusals[action] ?? 0;
    if (left === 0) return super.call(action, seconds, narrowed);
    this.refusals[action] = left - 1;
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    this.throttled[action] = (this.throttled[action] ?? 0) + 1;
    return false;
  }
}

/** Every step instant, like the simulator's `zero` latencies: then each wait needs exactly one poll on both sides. */
const ZERO: Latencies = {
  create: constant(0),
  attach: constant(0),
  deviceVisible: constant(0),
  api: constant(0),
  cli: constant(0),
  fsAdd: constant(0),
  fsBalance: constant(0),
  modify: constant(0),
  fsResize: constant(0),
};

/** The same scale-up in the model: one agent, `startOurs`, zero latencies, the same refusals. */
function modelScaleUp(
  options: { schedules?: EbsSchedules; refuse?: Record<string, number>; hybrid?: boolean } = {},
): ScaleUpCalls & { doneAt: number | undefined } {
  const account = new ScriptedAccount({ ...options.refuse });
  const world = { queue: new EventQueue(), account, random: createRandom(1), latencies: ZERO };
  const agent: AgentRecord = {
    crossedAt: 0,
    fullAt: Number.POSITIVE_INFINITY,
    fillPerSecond: 0,
    failedAttempts: 0,
    wastedVolumes: 0,
    leakedVolumes: 0,
    attachedVolumes: 1,
    fellBack: 0,
    unusedModifications: 0,
  };
  (options.hybrid ? startOursHybrid : startOurs)(world, agent, { ...(options.schedules ? { schedules: options.schedules } : {}), backoff: BACKOFF });
  world.queue.runUntil(3600);
  return {
    calls: account.calls,
    throttled: account.throttled,
    mutatingOrder: account.mutatingOrder,
    failedScaleUps: agent.failedAttempts,
    doneAt: agent.doneAt,
  };
}

const pick = (counts: Record<string, number>, actions: readonly string[]) =>
  Object.fromEntries(actions.filter((action) => counts[action] !== undefined).map((action) => [action, counts[action]]));

describe('fleet model against the real autoscaler, provisioner and ec2-sim', () => {
  it('makes the same EC2 calls for one unthrottled scale-up on the shipped schedules', async () => {
    const real = await realScaleUp(); // DEFAULT_SCHEDULES: ~1.25 s + ~1 s of polling
    const model = modelScaleUp({ schedules: DEFAULT_SCHEDULES });
    expect(model.doneAt).toBeDefined();
    expect(real.calls).toEqual({ DescribeInstances: 1, DescribeVolumes: 3, CreateVolume: 1, AttachVolume: 1, ModifyInstanceAttribute: 1 });
    // With both sides' latencies zero every wait is one poll, so even DescribeVolumes (one limit check,
    // one poll for `available`, one for `attached`) must agree exactly.
    expect(model.calls).toEqual(real.calls);
    expect(model.mutatingOrder).toEqual(real.mutatingOrder);

    // The fleet run itself (runFleet, the benchmark's realistic latencies: create ~1.5 s, attach 1–4 s)
    // must make the same mutating calls and DescribeInstances. Its DescribeVolumes count is the same
    // limit check plus more polls, since its volume is not ready at the first poll: honestly comparable
    // only as "at least as many".
    const fleet = runFleet({ agents: 1, start: (world, agent) => startOurs(world, agent) });
    expect(fleet.withoutCapacity).toBe(0);
    expect(fleet.throttledCalls).toBe(0);
    expect(pick(fleet.callsByAction, [...MUTATING, 'DescribeInstances'])).toEqual(pick(real.calls, [...MUTATING, 'DescribeInstances']));
    expect(fleet.callsByAction.DescribeVolumes).toBeGreaterThanOrEqual(real.calls.DescribeVolumes!);
    expect(Object.keys(fleet.callsByAction).sort()).toEqual(Object.keys(real.calls).sort());
  });

  it('makes the same EC2 calls for one uncontended hybrid scale-up (in place) on the shipped schedules', async () => {
    const real = await realScaleUp({ hybrid: true });
    const model = modelScaleUp({ schedules: DEFAULT_SCHEDULES, hybrid: true });
    expect(model.doneAt).toBeDefined();
    expect(real.failedScaleUps).toBe(0);
    expect(model.failedScaleUps).toBe(0);
    // list() and the ownership describe, one ModifyVolume, nothing of the add path.
    expect(pick(real.calls, ['DescribeVolumes', ...MUTATING, 'DescribeInstances'])).toEqual({ DescribeVolumes: 2, ModifyVolume: 1 });
    expect(pick(model.calls, ['DescribeVolumes', ...MUTATING, 'DescribeInstances'])).toEqual(
      pick(real.calls, ['DescribeVolumes', ...MUTATING, 'DescribeInstances']),
    );
    expect(model.mutatingOrder).toEqual(real.mutatingOrder);
    // ec2-sim shows `modifying` once before `optimizing` even at zero latency; the model's zero latency
    // is `optimizing` at the first poll: as many polls or fewer.
    expect(model.calls.DescribeVolumesModifications).toBe(1);
    expect(real.calls.DescribeVolumesModifications).toBeGreaterThanOrEqual(1);
    expect(Object.keys(model.calls).sort()).toEqual(Object.keys(real.calls).sort());
  });

  // Three refusals exhaust one call (two retries): the provisioner gives up, cleans up what it made, and
  // the autoscaler's next attempt starts from the limit checks again.
  it.each([
    [
      'throttled calls retried within the budget',
      { DescribeInstances: 2, DescribeVolumes: 2, CreateVolume: 2, AttachVolume: 1, ModifyInstanceAttribute: 2 },
      0,
    ],
    ['a limit check that gives up (its parallel DescribeVolumes still runs)', { DescribeInstances: 3 }, 1],
    ['CreateVolume that gives up: nothing to clean up', { CreateVolume: 3 }, 1],
    ['AttachVolume that gives up: the available volume is deleted', { AttachVolume: 3 }, 1],
    ['ModifyInstanceAttribute that gives up: detach, wait, delete', { ModifyInstanceAttribute: 3 }, 1],
  ] as const)('agrees under throttling: %s', async (_name, refuse, failures) => {
    const real = await realScaleUp({ schedules: FAST, refuse });
    const model = modelScaleUp({ schedules: FAST, refuse });
    expect(real.failedScaleUps).toBe(failures);
    expect(model.failedScaleUps).toBe(failures);
    expect(real.throttled).toEqual(refuse);
    expect(model.throttled).toEqual(real.throttled);
    expect(model.calls).toEqual(real.calls);
    expect(model.mutatingOrder).toEqual(real.mutatingOrder);
  });
});
