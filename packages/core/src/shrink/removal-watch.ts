import type { Clock, TimerHandle } from '../clock.js';
import type { UsageSnapshot } from '../usage.js';
import { worstGauge } from '../usage.js';

/** What {@link watchRemoval} needs: time, a way to sample, and the judgement of a sample. */
export interface RemovalWatchOptions {
  readonly clock: Clock;
  /** How often to sample while the removal runs, ms: the loop's interval. */
  readonly intervalMs: number;
  readonly sample: () => Promise<UsageSnapshot>;
  /** True when the sample shows a fill worth cancelling for (`fillDuringRemoval()`). */
  readonly fillStarted: (sample: { usedBytes: number; worstPercent: number }) => boolean;
  /** A sample that failed; the watch goes on. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Samples on the injected clock while a removal runs, and aborts the returned signal when a fill
 * starts: the loop's own sampling waits for the removal, which can take minutes. `stop()` ends it.
 */
export function watchRemoval(options: RemovalWatchOptions): { readonly signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  let timer: TimerHandle | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      const usage = await options.sample();
      if (!stopped && options.fillStarted({ usedBytes: usage.usedBytes, worstPercent: worstGauge(usage).usedPercent })) {
        controller.abort(new Error('a fill started during the removal'));
        return;
      }
    } catch (error) {
      options.onError?.(error);
    }
    if (!stopped) timer = options.clock.setTimeout(() => void tick(), options.intervalMs);
  };
  timer = options.clock.setTimeout(() => void tick(), options.intervalMs);
  return {
    signal: controller.signal,
    stop() {
      stopped = true;
      if (timer !== undefined) options.clock.clearTimeout(timer);
    },
  };
}
