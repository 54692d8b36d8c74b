import type { Clock } from '../clock.js';
import { EbsAutoscaleError } from '../errors.js';
import type { AutoscalerEventName, AutoscalerEventPayload } from '../events.js';
import { DEFAULT_RECLAIM_BUDGET_MS, DEFAULT_RECLAIM_COOLDOWN_MS, type ReclaimMode, type ReclaimOptions, type ReclaimPlan } from './reclaim-plan.js';
import type { ReclaimResult, SpaceReclaimer } from './space-reclaimer.js';

type Emit = <K extends AutoscalerEventName>(event: K, payload: AutoscalerEventPayload<K>) => void;

/**
 * Runs the autoscaler's reclaimers, one round at a time: in the order given (put the cheapest to
 * lose first), each asked for what is still missing, until the target is freed or the budget ends.
 * A reclaimer that throws is reported (`reclaim:failed`) and the round goes on with the next; one
 * that overruns the budget is aborted through its signal, reported as a `TIMEOUT`, and not asked again
 * until its call settles, so the loop never waits on it and never runs it twice at once.
 */
export class ReclaimRounds {
  readonly budgetMs: number;
  private readonly cooldownMs: number;
  /** Reclaimers whose last call has not settled (one that overran a round). */
  private readonly busy = new Set<SpaceReclaimer>();
  private running: Promise<number> | undefined;
  private coolUntil = Number.NEGATIVE_INFINITY;
  /** Bytes freed by every reclaimer call so far, late ones included. */
  totalFreedBytes = 0;

  constructor(
    readonly reclaimers: readonly SpaceReclaimer[],
    private readonly clock: Clock,
    options: ReclaimOptions,
    private readonly emit: Emit,
  ) {
    this.budgetMs = nonNegative('reclaim.budgetMs', options.budgetMs ?? DEFAULT_RECLAIM_BUDGET_MS);
    this.cooldownMs = nonNegative('reclaim.cooldownMs', options.cooldownMs ?? DEFAULT_RECLAIM_COOLDOWN_MS);
  }

  /**
   * Whether a round of this mode may start now: there are reclaimers and none is running, and for a round
   * at a limit, no cooldown holds. A round before (or beside) a scale-up always runs: scale-ups are few,
   * and under churn (short jobs stopping every few seconds) what was not reclaimable a minute ago often
   * is now; a cooldown there bought volumes for images a stopped job had just let go (issue 16's churn
   * scenario reclaimed nothing in 25 s behind the 60 s cooldown).
   */
  ready(mode: ReclaimMode): boolean {
    return this.reclaimers.length > 0 && this.running === undefined && (mode !== 'at-limit' || this.clock.now() >= this.coolUntil);
  }

  /** The round in flight, if any (an `alongside-provisioning` one outlives its evaluation). */
  get inFlight(): Promise<number> | undefined {
    return this.running;
  }

  /** Runs one round; resolves with the bytes freed within its budget. Never rejects. */
  run(plan: ReclaimPlan, signal: AbortSignal): Promise<number> {
    const round = this.round(plan, signal).finally(() => {
      this.running = undefined;
    });
    this.running = round;
    return round;
  }

  private async round(plan: ReclaimPlan, outer: AbortSignal): Promise<number> {
    const started = this.clock.now();
    const names = this.reclaimers.map((reclaimer) => reclaimer.name);
    this.emit('reclaim:start', { at: started, mode: plan.mode, targetBytes: plan.targetBytes, budgetMs: plan.budgetMs, reclaimers: names });
    const budget = new AbortController();
    const timer = this.clock.setTimeout(
      () => budget.abort(new EbsAutoscaleError('reclaim', 'TIMEOUT', `The reclaim round's budget of ${plan.budgetMs} ms ran out.`)),
      plan.budgetMs,
    );
    const signal = AbortSignal.any([budget.signal, outer]);
    let freed = 0;
    try {
      for (const reclaimer of this.reclaimers) {
        if (freed >= plan.targetBytes || signal.aborted) break;
        if (this.busy.has(reclaimer)) continue;
        freed += await this.ask(reclaimer, plan.targetBytes - freed, signal);
      }
    } finally {
      this.clock.clearTimeout(timer);
    }
    const timedOut = budget.signal.aborted;
    if (plan.mode === 'at-limit' && freed < plan.targetBytes) this.coolUntil = this.clock.now() + this.cooldownMs;
    this.emit('reclaim:complete', {
      at: this.clock.now(),
      mode: plan.mode,
      targetBytes: plan.targetBytes,
      bytesFreed: freed,
      durationMs: this.clock.now() - started,
      timedOut,
    });
    return freed;
  }

  /** One reclaimer: estimate, then reclaim; what it freed in time, 0 when it threw or overran. */
  private async ask(reclaimer: SpaceReclaimer, targetBytes: number, signal: AbortSignal): Promise<number> {
    const started = this.clock.now();
    let inTime = true;
    this.busy.add(reclaimer);
    const call = (async (): Promise<ReclaimResult> => {
      // Nothing to free: skip the removal call (and its log line) altogether.
      if (!((await reclaimer.estimate()) > 0)) return { bytesFreed: 0, removed: [] };
      return reclaimer.reclaim(targetBytes, signal);
    })();
    const settled = call.then(
      (result) => {
        const bytesFreed = Number.isFinite(result?.bytesFreed) && result.bytesFreed > 0 ? result.bytesFreed : 0;
        this.totalFreedBytes += bytesFreed;
        if (bytesFreed > 0 || inTime)
          this.emit('reclaim:done', {
            at: this.clock.now(),
            reclaimer: reclaimer.name,
            bytesFreed,
            removed: result?.removed ?? [],
            durationMs: this.clock.now() - started,
            late: !inTime,
          });
        return bytesFreed;
      },
      (thrown: unknown) => {
        if (inTime)
          this.emit('reclaim:failed', { at: this.clock.now(), reclaimer: reclaimer.name, error: thrown instanceof Error ? thrown : new Error(String(thrown)) });
        return 0;
      },
    );
    void settled.finally(() => this.busy.delete(reclaimer));
    const overrun = new Promise<'overrun'>((resolve) => {
      if (signal.aborted) resolve('overrun');
      signal.addEventListener('abort', () => resolve('overrun'), { once: true });
    });
    const outcome = await Promise.race([settled, overrun]);
    if (outcome !== 'overrun') return outcome;
    inTime = false;
    this.emit('reclaim:failed', {
      at: this.clock.now(),
      reclaimer: reclaimer.name,
      error: new EbsAutoscaleError(
        'reclaim',
        'TIMEOUT',
        `The reclaimer ${reclaimer.name} did not finish within the round's budget; it was aborted, and the scale-up goes on without it.`,
        {
          hint: 'A reclaimer should stop soon after its signal aborts; what it frees later is seen at the next sample.',
        },
      ),
    });
    return 0;
  }
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new EbsAutoscaleError('autoscaler', 'INVALID_ARGUMENT', `${name} must be a number of milliseconds, 0 or more, got ${value}.`);
  return value;
}

/** Refuses a reclaimer without its name or methods, once, where it is plugged in. */
export function checkReclaimers(reclaimers: readonly SpaceReclaimer[]): void {
  if (!Array.isArray(reclaimers)) throw new EbsAutoscaleError('autoscaler', 'INVALID_ARGUMENT', 'reclaimers must be an array of SpaceReclaimer.');
  reclaimers.forEach((reclaimer, index) => {
    const missing = [
      typeof reclaimer?.name === 'string' && reclaimer.name !== '' ? undefined : 'name',
      typeof reclaimer?.estimate === 'function' ? undefined : 'estimate()',
      typeof reclaimer?.reclaim === 'function' ? undefined : 'reclaim()',
    ].filter((entry) => entry !== undefined);
    if (missing.length > 0) {
      throw new EbsAutoscaleError('autoscaler', 'INVALID_ARGUMENT', `reclaimers[${index}] lacks ${missing.join(', ')}.`, {
        hint: 'A SpaceReclaimer has a name, estimate() and reclaim(targetBytes, signal).',
      });
    }
  });
}
