import { EventEmitter } from 'eventemitter3';
import type { Decision, LimitKind } from './policy/policy.js';
import type { PressureGauge, UsageSnapshot } from './usage.js';
import type { ProvisionedVolume, ReconcileReport } from './volume-provisioner.js';
import type { KeptReason } from './release-guard.js';
import type { StrayReport } from './strays.js';
import type { ReclaimMode } from './reclaim/reclaim-plan.js';
import type { RefusalReason, ReservationInfo } from './reservations/reservation.js';

/** The stage of a scale operation that failed. */
export type ScaleStage = 'provision' | 'extend' | 'resize' | 'grow' | 'capacity';

/**
 * Every event a {@link StorageAutoscaler} emits, with its payload. `autoscaler.on(name, listener)`
 * infers the payload from this map. Every payload carries `at`, ms since the epoch on the
 * autoscaler's clock.
 */
export interface AutoscalerEvents {
  /** A usage sample was taken. */
  'usage:sample': (event: { at: number; usage: UsageSnapshot; worst: PressureGauge }) => void;
  /** The worst gauge went above the threshold, or back below it. */
  'threshold:crossed': (event: { at: number; direction: 'above' | 'below'; gauge: PressureGauge; thresholdPercent: number }) => void;
  /** The policy decided something other than "nothing to do". */
  decision: (event: { at: number; decision: Decision }) => void;
  /** A scale operation began. */
  'scale:start': (event: { at: number; operationId: number; sizeGiB: number; trigger: 'threshold' | 'predicted'; before: UsageSnapshot }) => void;
  /** The provisioner returned an attached, visible volume. */
  'volume:provisioned': (event: { at: number; operationId: number; volume: ProvisionedVolume; durationMs: number }) => void;
  /** The driver added the device to the filesystem (or grew in place). */
  'device:added': (event: { at: number; operationId: number; device: string; volumeId: string; durationMs: number }) => void;
  /** The filesystem reports the new capacity. */
  'scale:complete': (event: {
    at: number;
    operationId: number;
    volumeId: string;
    device: string;
    sizeGiB: number;
    beforeTotalBytes: number;
    afterTotalBytes: number;
    durationMs: number;
  }) => void;
  /** A scale operation failed; it is retried after `retryAt`. */
  'scale:failed': (event: { at: number; operationId: number; stage: ScaleStage; error: Error; consecutiveFailures: number; retryAt: number }) => void;
  /** A limit stops further growth while the filesystem needs it. Emitted once per limit until it clears. */
  'limit:reached': (event: { at: number; limit: LimitKind; worstPercent: number; thresholdPercent: number }) => void;
  /**
   * The mount turned read-only (the driver's usage says `readOnly`). No scale-up is attempted until
   * `mount:writable`: a device added to a read-only filesystem fails, and the space would not be writable.
   */
  'mount:read-only': (event: { at: number; mountPoint: string; usage: UsageSnapshot }) => void;
  /** The mount is writable again after `mount:read-only`; scaling resumes. */
  'mount:writable': (event: { at: number; mountPoint: string; usage: UsageSnapshot }) => void;
  /**
   * A volume up for release (a stray at start-up, the clean-up after a failed add) was kept because it
   * could not be proven not to hold the filesystem; `hint` says what to check. See `proveUnused()`.
   */
  'volume:kept': (event: { at: number; volumeId: string; device?: string; reason: KeptReason; hint: string }) => void;
  /**
   * A shrink ended: `released` (the device left the filesystem and its volume was deleted), `kept` (it
   * left, but the volume could not be proven unused: see `volume:kept`), or `cancelled` (a fill started,
   * or the autoscaler stopped; the device stays).
   */
  'volume:removed': (event: { at: number; volumeId: string; device: string; outcome: 'released' | 'kept' | 'cancelled' }) => void;
  /**
   * Crash recovery ran (see `StorageAutoscaler.recover()`): the provisioner's reconcile (undefined when
   * it has none) and what was done with the strays (each kept one also came as `volume:kept`). The
   * growth strategy's own step (grow-in-place: growing onto a volume an earlier run enlarged) has run
   * too; what it could not do came as an `error` event.
   */
  'recovery:complete': (event: { at: number; durationMs: number; reconcile: ReconcileReport | undefined; strays: StrayReport }) => void;
  /**
   * A reservation is granted: the free space covers it and every other active one, and the policy
   * wants nothing more with them counted as used. `reserve()` resolves after this.
   */
  'reservation:granted': (event: { at: number; reservation: ReservationInfo; waitedMs: number; availableBytes: number; reservedBytes: number }) => void;
  /** A granted reservation was released; its bytes stop counting. */
  'reservation:released': (event: { at: number; reservation: ReservationInfo }) => void;
  /** A granted reservation reached its `expiresAt` unreleased; its bytes stop counting. */
  'reservation:expired': (event: { at: number; reservation: ReservationInfo }) => void;
  /**
   * A reservation was not granted: the limits cannot cover it (`limit`, with the policy's limit when
   * one was reached), its signal aborted or it was released while waiting (`aborted`), or the
   * autoscaler stopped (`stopped`). `reserve()` rejects with `error`.
   */
  'reservation:refused': (event: { at: number; id: string; holder: string; bytes: number; reason: RefusalReason; limit?: LimitKind; error: Error }) => void;
  /**
   * A reclaim round began: the reclaimers run, in order, until `targetBytes` are freed or `budgetMs`
   * passes. `before-provisioning`: a scale-up waits for it (within the policy's slack);
   * `alongside-provisioning`: the time to full is short, so the scale-up runs at once beside it;
   * `at-limit`: no volume can be added, so reclaiming is all there is.
   */
  'reclaim:start': (event: { at: number; mode: ReclaimMode; targetBytes: number; budgetMs: number; reclaimers: string[] }) => void;
  /** One reclaimer finished and freed `bytesFreed`; `late` when it finished after its round's budget (the round did not count it). */
  'reclaim:done': (event: { at: number; reclaimer: string; bytesFreed: number; removed: readonly string[]; durationMs: number; late: boolean }) => void;
  /** One reclaimer threw, or did not finish within the round's budget (a `TIMEOUT` error). The loop goes on. */
  'reclaim:failed': (event: { at: number; reclaimer: string; error: Error }) => void;
  /** A reclaim round ended: what it freed in time, against what it was asked. */
  'reclaim:complete': (event: { at: number; mode: ReclaimMode; targetBytes: number; bytesFreed: number; durationMs: number; timedOut: boolean }) => void;
  /** Something went wrong outside a scale operation (a usage sample, a listener, a clean-up). The loop goes on. */
  error: (event: { at: number; error: Error; context: string }) => void;
}

/** Names of the events. */
export type AutoscalerEventName = keyof AutoscalerEvents;

/** The payload of one event. */
export type AutoscalerEventPayload<K extends AutoscalerEventName> = Parameters<AutoscalerEvents[K]>[0];

/** The one event every isolated emitter has: where a throwing listener is reported. */
type ErrorEvent = { error: (event: { at: number; error: Error; context: string }) => void };

// eventemitter3 types a listener by the event map; the guard wraps listeners of any event alike.
type Listener = (...args: never[]) => void;

/**
 * An EventEmitter on which a throwing listener cannot break the emitter's caller: each listener is
 * registered wrapped in its own try/catch, and what it throws is re-emitted as an `error` event (a
 * throwing `error` listener is ignored, since there is nowhere left to report it). Only eventemitter3's
 * public methods are used, so `once`, a listener's context and removal keep its own semantics;
 * `listeners()` and `removeListener()` speak of the caller's function, not the wrapper.
 */
export class IsolatedEventEmitter<Events extends ErrorEvent> extends EventEmitter<Events> {
  /** Per event, the wrapper of each listener function, so that removal finds it. */
  private readonly guards = new Map<unknown, WeakMap<Listener, Listener>>();
  /** The caller's function behind each wrapper, for `listeners()`. */
  private readonly originals = new WeakMap<Listener, Listener>();

  constructor(private readonly now: () => number) {
    super();
  }

  override on<K extends EventEmitter.EventNames<Events>>(event: K, fn: EventEmitter.EventListener<Events, K>, context?: unknown): this {
    return super.on(event, this.guard(event, fn), context);
  }

  override addListener<K extends EventEmitter.EventNames<Events>>(event: K, fn: EventEmitter.EventListener<Events, K>, context?: unknown): this {
    return super.addListener(event, this.guard(event, fn), context);
  }

  override once<K extends EventEmitter.EventNames<Events>>(event: K, fn: EventEmitter.EventListener<Events, K>, context?: unknown): this {
    return super.once(event, this.guard(event, fn), context);
  }

  override removeListener<K extends EventEmitter.EventNames<Events>>(
    event: K,
    fn?: EventEmitter.EventListener<Events, K>,
    context?: unknown,
    once?: boolean,
  ): this {
    return super.removeListener(event, fn && this.guardOf(event, fn), context, once);
  }

  override off<K extends EventEmitter.EventNames<Events>>(event: K, fn?: EventEmitter.EventListener<Events, K>, context?: unknown, once?: boolean): this {
    return super.off(event, fn && this.guardOf(event, fn), context, once);
  }

  override listeners<K extends EventEmitter.EventNames<Events>>(event: K): EventEmitter.EventListener<Events, K>[] {
    return super.listeners(event).map((listener) => (this.originals.get(listener as Listener) ?? listener) as EventEmitter.EventListener<Events, K>);
  }

  private guardOf<F>(event: unknown, fn: F): F {
    return (this.guards.get(event)?.get(fn as Listener) ?? fn) as F;
  }

  private guard<F>(event: unknown, fn: F): F {
    const known = this.guards.get(event)?.get(fn as Listener);
    if (known) return known as F;
    const report = (thrown: unknown): void => {
      if (event === 'error') return;
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      (this.emit as unknown as (name: string, value: unknown) => boolean)('error', { at: this.now(), error, context: `listener of '${String(event)}'` });
    };
    const original = fn as unknown as (...args: unknown[]) => void;
    const guarded = function (this: unknown, ...args: unknown[]): void {
      try {
        original.apply(this, args);
      } catch (thrown) {
        report(thrown);
      }
    };
    const perEvent = this.guards.get(event) ?? new WeakMap<Listener, Listener>();
    this.guards.set(event, perEvent);
    perEvent.set(fn as Listener, guarded);
    this.originals.set(guarded, fn as Listener);
    return guarded as F;
  }
}
