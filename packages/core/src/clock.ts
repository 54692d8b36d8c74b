/** An opaque timer handle. */
export type TimerHandle = unknown;

/** Options of {@link Clock.setTimeout}. */
export interface TimerOptions {
  /**
   * Whether the pending timer keeps the Node process alive. Default true, as Node's own timers: a wait
   * inside an operation (a poll, a backoff, a capacity wait) must hold the process, or a script that
   * awaits the operation exits with code 13 ("unsettled top-level await") in the middle of it (issue 12).
   * `false` is for timers nothing awaits, such as the idle wait between samples of an embedder that
   * opted out of keep-alive; on the real clock it is Node's `unref()`.
   */
  readonly keepAlive?: boolean;
}

/**
 * Time, injected. The autoscaler reads the time and sets timers only through this, so tests run in
 * virtual time with {@link ManualClock} and no test sleeps.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` after `ms`. A clock without a process to keep alive may ignore `options`. */
  setTimeout(callback: () => void, ms: number, options?: TimerOptions): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock. Its timers keep the process alive unless asked not to ({@link TimerOptions.keepAlive}),
 * so an awaited wait never lets Node exit mid-operation.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms, options) => {
    const timer = setTimeout(callback, ms);
    if (options?.keepAlive === false) timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface PendingTimer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock that moves only when told. `advance(ms)` fires due timers in order and lets the promises
 * they resolve run before the next one, so an async loop driven by it behaves as in real time.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const autoscaler = new StorageAutoscaler({ driver, provisioner, clock });
 * autoscaler.start();
 * await clock.advance(60_000); // one minute of sampling, instantly
 * ```
 */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  constructor(startMs = 0) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Number of timers waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > until) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = next.at;
      next.callback();
      await flushMicrotasks();
    }
    this.time = until;
    await flushMicrotasks();
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.timers) if (!best || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) best = timer;
    return best;
  }
}

/** Lets queued promise callbacks run; several rounds, since async functions chain through a few ticks. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
