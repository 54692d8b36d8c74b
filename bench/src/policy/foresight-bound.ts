import { GIB } from '@ebs-autoscale/core';
import type { Trace } from './workloads.js';

/** Options of {@link foresightBoundGiBHours}. */
export interface ForesightBoundOptions {
  /** The initial volume, GiB. Default 100. */
  initialGiB?: number;
  /** Smallest and largest volume that may be added, GiB. Default 150 and 1500 (the benchmark's limits). */
  minVolumeGiB?: number;
  maxVolumeGiB?: number;
  /** Free space to keep at every moment, in seconds of the current write rate. Default 0. */
  reserveSeconds?: number;
}

/**
 * The fewest over-provisioned GiB-hours any policy could hold on a trace if it knew the whole trace in
 * advance and volumes appeared the instant they were asked for: capacity only grows, by volumes within
 * [min, max], and must stay above used space plus `reserveSeconds` of the write rate at every moment.
 * Found exactly (to 1 GiB and 1 s) by dynamic programming over the capacity reached: what the capacity
 * costs is fixed by the moment it stops being enough. When even this is above a goal, no policy can
 * meet the goal on that trace with those volume sizes and that reserve.
 */
export function foresightBoundGiBHours(trace: Trace, options: ForesightBoundOptions = {}): number {
  const { initialGiB = 100, minVolumeGiB = 150, maxVolumeGiB = 1500, reserveSeconds = 0 } = options;
  // Used space and the running maximum of what must fit, second by second.
  const seconds = Math.ceil(trace.durationSeconds);
  const runningNeedGiB = new Float64Array(seconds);
  let used = 0;
  let usedGiBSeconds = 0;
  let need = 0;
  let rateIndex = 0;
  let deleteIndex = 0;
  for (let t = 0; t < seconds; t += 1) {
    while (rateIndex + 1 < trace.changes.length && trace.changes[rateIndex + 1]!.at <= t) rateIndex += 1;
    while (deleteIndex < trace.deletes.length && trace.deletes[deleteIndex]!.at <= t) used = Math.max(0, used - trace.deletes[deleteIndex++]!.bytes);
    const rate = trace.changes[rateIndex]?.rate ?? 0;
    used += rate;
    usedGiBSeconds += used / GIB;
    need = Math.max(need, (used + rate * reserveSeconds) / GIB);
    runningNeedGiB[t] = need;
  }
  // The second at which `capacity` stops being enough (the trace's end if it never does).
  const exhaustedAt = (capacity: number): number => {
    let lo = 0;
    let hi = seconds;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (runningNeedGiB[mid]! > capacity) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const top = Math.ceil(need) + minVolumeGiB;
  // cost[c]: least ∫ capacity dt (GiB·s) up to the moment capacity c runs out, given it is reached.
  const cost = new Float64Array(top + 1).fill(Number.POSITIVE_INFINITY);
  cost[initialGiB] = initialGiB * exhaustedAt(initialGiB);
  let best = exhaustedAt(initialGiB) >= seconds ? cost[initialGiB]! : Number.POSITIVE_INFINITY;
  for (let c = initialGiB + minVolumeGiB; c <= top; c += 1) {
    const until = exhaustedAt(c);
    for (let from = Math.max(initialGiB, c - maxVolumeGiB); from <= c - minVolumeGiB; from += 1) {
      if (!Number.isFinite(cost[from]!)) continue;
      const since = exhaustedAt(from);
      if (since >= seconds) continue;
      cost[c] = Math.min(cost[c]!, cost[from]! + c * (until - since));
    }
    if (until >= seconds) best = Math.min(best, cost[c]!);
  }
  return (best - usedGiBSeconds) / 3600;
}
