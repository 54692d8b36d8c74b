import { EventEmitter } from 'eventemitter3';
import type { Decision, LimitKind } from './policy/policy.js';
import type { PressureGauge, UsageSnapshot } from './usage.js';
import type { ProvisionedVolume } from './volume-provisioner.js';
import type { KeptReason } from './release-guard.js';

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
  /** Something went wrong outside a scale operation (a usage sample, a listener, a clean-up). The loop goes on. */
  error: (event: { at: number; error: Error; context: string }) => void;
}

/** Names of the events. */
export type AutoscalerEventName = keyof AutoscalerEvents;

/** The payload of one event. */
export type AutoscalerEventPayload<K extends AutoscalerEventName> = Parameters<AutoscalerEvents[K]>[0];

/**
 * An EventEmitter on which a throwing listener cannot break the emitter's caller: each listener runs in
 * its own try/catch, and what it throws is re-emitted as an `error` event (a throwing `error` listener
 * is ignored, since there is nowhere left to report it).
 */
export class IsolatedEventEmitter<Events extends { error: (event: { at: number; error: Error; context: string }) => void }> extends EventEmitter<
  Events
> {
  constructor(private readonly now: () => number) {
    super();
  }

  override emit<K extends EventEmitter.EventNames<Events>>(event: K, ...args: EventEmitter.EventArgs<Events, K>): boolean {
    // Mirrors eventemitter3's own emit (its `_events` store and `once` removal), with a try/catch per listener.
    const prefix = (EventEmitter as unknown as { prefixed: string | boolean }).prefixed;
    const key = prefix ? `${String(prefix)}${String(event)}` : String(event);
    const stored = (this as unknown as { _events: Record<string, StoredListener | StoredListener[] | undefined> })._events[key];
    if (!stored) return false;
    const listeners = Array.isArray(stored) ? [...stored] : [stored];
    for (const listener of listeners) {
      if (listener.once) this.removeListener(event, listener.fn as never, listener.context, true);
      try {
        listener.fn.apply(listener.context, args);
      } catch (thrown) {
        if (event === 'error') continue;
        const error = thrown instanceof Error ? thrown : new Error(String(thrown));
        const payload = { at: this.now(), error, context: `listener of '${String(event)}'` };
        (this.emit as unknown as (name: string, value: unknown) => boolean)('error', payload);
      }
    }
    return true;
  }
}

interface StoredListener {
  fn: (...args: unknown[]) => void;
  context: unknown;
  once: boolean;
}
