/** One sample of the mount's size by the bench's own poll (statfs, every 100 ms), the same for both agents. */
export interface CapacitySample {
  readonly at: number;
  readonly totalBytes: number;
  readonly usedBytes: number;
}

/** One scale-up as the bench saw it: when the agent was triggered, and when the capacity grew. */
export interface ScaleUpTiming {
  readonly triggerAt: number;
  readonly capacityAt: number;
  readonly seconds: number;
}

/** The instants the mount's total size grew, from the samples in time order. */
export function capacityIncreases(samples: readonly CapacitySample[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < samples.length; i += 1) if (samples[i]!.totalBytes > samples[i - 1]!.totalBytes) out.push(samples[i]!.at);
  return out;
}

/**
 * Pairs each capacity increase with the earliest trigger not yet paired that came before it and after
 * the previous increase: one trigger, one scale-up. A trigger with no increase after it (a scale-up
 * still running when the run ended, or one that failed) is left out.
 */
export function pairScaleUps(triggers: readonly number[], increases: readonly number[]): ScaleUpTiming[] {
  const pending = [...triggers].sort((a, b) => a - b);
  const out: ScaleUpTiming[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  for (const capacityAt of [...increases].sort((a, b) => a - b)) {
    while (pending.length > 0 && pending[0]! < previous) pending.shift();
    const triggerAt = pending[0];
    if (triggerAt !== undefined && triggerAt <= capacityAt) {
      pending.shift();
      out.push({ triggerAt, capacityAt, seconds: (capacityAt - triggerAt) / 1000 });
    }
    previous = capacityAt;
  }
  return out;
}

/** df's `Use%`: used over used + available, rounded up, as coreutils computes it. */
export function usedPercent(sample: { usedBytes: number; availableBytes: number }): number {
  const denominator = sample.usedBytes + sample.availableBytes;
  return denominator === 0 ? 0 : Math.ceil((sample.usedBytes / denominator) * 100);
}

/**
 * The baseline's triggers: the first poll sample at or above the threshold it logs ("… Threshold 50%",
 * the line it writes at start and after each add), after each capacity change. Its own log has
 * one-second timestamps; the bench's 100 ms poll places the crossing more precisely.
 */
export function thresholdCrossings(samples: readonly (CapacitySample & { percent: number })[], thresholdAt: (at: number) => number): number[] {
  const out: number[] = [];
  let armed = true;
  for (let i = 0; i < samples.length; i += 1) {
    const sample = samples[i]!;
    if (i > 0 && sample.totalBytes !== samples[i - 1]!.totalBytes) armed = true;
    if (armed && sample.percent >= thresholdAt(sample.at)) {
      out.push(sample.at);
      armed = false;
    }
  }
  return out;
}

/** The baseline's log: `[<date>] Devices N : Size … : Threshold T%` lines, as (time, threshold) pairs. */
export function loggedThresholds(log: string): { at: number; percent: number }[] {
  const out: { at: number; percent: number }[] = [];
  for (const match of log.matchAll(/^\[([^\]]+)\] Devices \d+ : .* Threshold (\d+)%$/gm)) {
    const at = Date.parse(match[1]!);
    if (Number.isFinite(at)) out.push({ at, percent: Number(match[2]) });
  }
  return out;
}
