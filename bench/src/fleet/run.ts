import { DEFAULT_LATENCIES } from '../policy/latencies.js';
import { createRandom } from '../sim/random.js';
import { Ec2Account } from './account.js';
import { EventQueue } from './event-queue.js';
import type { AgentRecord, World } from './world.js';

/** Options of {@link runFleet}. */
export interface FleetOptions {
  agents: number;
  /** Agents cross their threshold uniformly within this many seconds. Default 60 (a Batch wave). */
  waveSeconds?: number;
  /** Simulated time limit, s. Default 4 h. */
  horizonSeconds?: number;
  seed?: number;
  start: (world: World, agent: AgentRecord) => void;
}

/** What a fleet run measured. */
export interface FleetResult {
  readonly agents: number;
  /** Agents with no capacity by the horizon. */
  readonly withoutCapacity: number;
  /** Scale-up attempts that failed (ours: `scale:failed` events; the baseline: create-ebs-volume exiting non-zero). */
  readonly failedAttempts: number;
  /** Agents with at least one failed attempt. */
  readonly agentsWithFailures: number;
  /** Volumes created and deleted again by a failed attempt. */
  readonly wastedVolumes: number;
  /** Agents whose disk filled before capacity arrived. */
  readonly ranOutOfSpace: number;
  readonly leakedVolumes: number;
  /** Hybrid growth: scale-ups that fell back to adding a device, and accepted modifications left unused. */
  readonly fellBack: number;
  readonly unusedModifications: number;
  /** Volumes attached per host at the horizon (the initial disk included): mean and most. */
  readonly attachmentsPerHost: { readonly mean: number; readonly max: number };
  /** Over all agents; Infinity when more than half had no capacity by the horizon. */
  readonly p50Seconds: number;
  readonly p99Seconds: number;
  readonly maxSeconds: number;
  /** When the last agent to get capacity got it, s after the wave started; NaN when none did. */
  readonly lastCapacityAt: number;
  /** Every agent's time to capacity, s, ascending (agents without capacity are left out). */
  readonly capacitySeconds: readonly number[];
  readonly totalCalls: number;
  readonly throttledCalls: number;
  readonly callsByAction: Record<string, number>;
  readonly throttledByAction: Record<string, number>;
  readonly events: number;
}

/**
 * A fleet in one account and region, in virtual time: every agent's disk (100 GiB, filling at
 * 20–200 MiB/s) crosses 50% within the wave, and each agent runs its scale-up against the shared
 * token buckets. Time to capacity is from the crossing to the filesystem having grown.
 */
export function runFleet(options: FleetOptions): FleetResult {
  const random = createRandom(options.seed ?? 1);
  const world: World = { queue: new EventQueue(), account: new Ec2Account(), random, latencies: DEFAULT_LATENCIES };
  const agents: AgentRecord[] = [];
  const wave = options.waveSeconds ?? 60;
  for (let i = 0; i < options.agents; i += 1) {
    const crossedAt = random() * wave;
    const mibPerSecond = 20 + 180 * random();
    const fillPerSecond = mibPerSecond / (100 * 1024);
    const agent: AgentRecord = {
      crossedAt,
      fullAt: crossedAt + 0.5 / fillPerSecond,
      fillPerSecond,
      failedAttempts: 0,
      wastedVolumes: 0,
      leakedVolumes: 0,
      attachedVolumes: 1,
      fellBack: 0,
      unusedModifications: 0,
    };
    agents.push(agent);
    world.queue.after(crossedAt, () => options.start(world, agent));
  }
  const events = world.queue.runUntil(options.horizonSeconds ?? 4 * 3600);
  const times = agents
    .filter((a) => a.doneAt !== undefined)
    .map((a) => a.doneAt! - a.crossedAt)
    .sort((a, b) => a - b);
  // Percentiles over every agent: one still without capacity at the horizon counts as never (Infinity).
  const all = agents.map((a) => (a.doneAt === undefined ? Number.POSITIVE_INFINITY : a.doneAt - a.crossedAt)).sort((a, b) => a - b);
  const pct = (p: number) => all[Math.min(all.length - 1, Math.floor(p * all.length))] ?? Number.NaN;
  return {
    agents: agents.length,
    withoutCapacity: agents.filter((a) => a.doneAt === undefined).length,
    failedAttempts: agents.reduce((s, a) => s + a.failedAttempts, 0),
    agentsWithFailures: agents.filter((a) => a.failedAttempts > 0).length,
    wastedVolumes: agents.reduce((s, a) => s + a.wastedVolumes, 0),
    ranOutOfSpace: agents.filter((a) => (a.doneAt ?? Number.POSITIVE_INFINITY) > a.fullAt).length,
    leakedVolumes: agents.reduce((s, a) => s + a.leakedVolumes, 0),
    fellBack: agents.reduce((s, a) => s + a.fellBack, 0),
    unusedModifications: agents.reduce((s, a) => s + a.unusedModifications, 0),
    attachmentsPerHost: {
      mean: agents.reduce((s, a) => s + a.attachedVolumes, 0) / agents.length,
      max: agents.reduce((most, a) => Math.max(most, a.attachedVolumes), 0),
    },
    p50Seconds: pct(0.5),
    p99Seconds: pct(0.99),
    maxSeconds: times.at(-1) ?? Number.NaN,
    lastCapacityAt:
      agents.reduce<number | undefined>((last, a) => (a.doneAt === undefined ? last : Math.max(last ?? a.doneAt, a.doneAt)), undefined) ?? Number.NaN,
    capacitySeconds: times,
    totalCalls: world.account.totalCalls,
    throttledCalls: world.account.totalThrottled,
    callsByAction: world.account.calls,
    throttledByAction: world.account.throttled,
    events,
  };
}
