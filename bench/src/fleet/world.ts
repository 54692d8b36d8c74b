import type { Latencies } from '../policy/latencies.js';
import type { Random } from '../sim/random.js';
import type { Ec2Account, FleetAction } from './account.js';
import type { EventQueue } from './event-queue.js';

/** What every agent of a fleet shares: time, the account's buckets, randomness, latencies. */
export interface World {
  readonly queue: EventQueue;
  readonly account: Ec2Account;
  readonly random: Random;
  readonly latencies: Latencies;
}

/** One agent's disk and its one scale-up. Times in seconds. */
export interface AgentRecord {
  /** When its disk crossed 50%. */
  readonly crossedAt: number;
  /** When its disk is full if no capacity arrives. */
  readonly fullAt: number;
  /** Fill rate as a fraction of the disk per second. */
  readonly fillPerSecond: number;
  doneAt?: number;
  /** Scale-up attempts that ended in failure (ours: `scale:failed`; the baseline: create-ebs-volume exiting non-zero). */
  failedAttempts: number;
  /** Volumes created and then deleted again by a failed attempt's clean-up. */
  wastedVolumes: number;
  /** Volumes left attached but unused (the baseline's modify-instance-attribute failure). */
  leakedVolumes: number;
  /** Hybrid growth: scale-ups that fell back to adding a device after the in-place path was throttled out. */
  fellBack: number;
  /** Hybrid growth: modifications EBS accepted whose growth went unused (the poll after it was throttled out; an add ran instead). */
  unusedModifications: number;
  /** Volumes attached to the host now: 1 (the initial disk) + attached − detached. */
  attachedVolumes: number;
}

/** After the `failedAttempts`-th failed attempt (1-based) of one call: the delay before the next, s, or undefined to give up. */
export type RetryPolicy = (failedAttempts: number, random: Random) => number | undefined;

/**
 * One API call with retries on RequestLimitExceeded: the request takes a token (or is refused) when
 * sent, and its answer arrives one API latency later.
 */
export function callWithRetry(world: World, action: FleetAction, retry: RetryPolicy, onOk: () => void, onGiveUp: () => void, attempt = 1): void {
  const accepted = world.account.call(action, world.queue.now);
  world.queue.after(world.latencies.api(world.random), () => {
    if (accepted) return onOk();
    const delay = retry(attempt, world.random);
    if (delay === undefined) return onGiveUp();
    world.queue.after(delay, () => callWithRetry(world, action, retry, onOk, onGiveUp, attempt + 1));
  });
}
