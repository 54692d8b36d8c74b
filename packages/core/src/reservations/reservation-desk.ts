import { randomUUID } from 'node:crypto';
import type { EvaluationResult } from '../autoscaler-status.js';
import type { Clock, TimerHandle } from '../clock.js';
import { EbsAutoscaleError } from '../errors.js';
import type { AutoscalerEventName, AutoscalerEventPayload } from '../events.js';
import type { Decision, LimitKind } from '../policy/policy.js';
import { formatBytes } from '../units.js';
import type { RefusalReason, Reservation, ReservationInfo, ReservationRequest } from './reservation.js';
import { ReservationBook } from './reservation-book.js';
import { validateReservationRequest } from './validate-request.js';

/** One decision of the loop, as the desk judges waiting reservations by it. */
export interface DecisionRecord {
  readonly decision: Decision;
  /** The sample's free bytes. */
  readonly availableBytes: number;
  /** Every reserved byte the decision counted, and the ids of the waiting reservations among them. */
  readonly reservedBytes: number;
  readonly waitingIds: readonly string[];
}

/** What the desk needs of the autoscaler. */
export interface ReservationDeskContext {
  readonly clock: Clock;
  /** One evaluation after any in flight (never a second at once); the desk's settle() runs after it. */
  evaluateNow(): Promise<EvaluationResult>;
  /** How many bytes the limits and the growth strategy still let the filesystem gain. */
  addableBytes(): number;
  /** The sampling interval: how long to wait when an evaluation changed nothing. */
  readonly intervalMs: number;
  /** When a failed scale may be retried, if it is backing off. */
  retryAt(): number | undefined;
  emit<K extends AutoscalerEventName>(event: K, payload: AutoscalerEventPayload<K>): void;
}

interface Waiter {
  resolve(reservation: Reservation): void;
  reject(error: EbsAutoscaleError): void;
  detach(): void;
}

/**
 * Takes reservations (`StorageAutoscaler.reserve()`) and settles them by the loop's decisions: a
 * waiting reservation counts as demand at once, so the policy grows for it; it is granted after a
 * decision that counted it found nothing more to do and the free space covering every reserved byte,
 * and refused when the limits cannot cover it. While any waits, the desk drives evaluations itself
 * (through the autoscaler's one-at-a-time `evaluate()`), so reserve() works without `start()` and
 * never waits a whole interval after a scale-up.
 */
export class ReservationDesk {
  readonly book: ReservationBook;
  private readonly waiters = new Map<string, Waiter>();
  private driving = false;
  private wake: (() => void) | undefined;
  /** Counts {@link ReservationDesk.wakeUp} calls, so the driver sees a change made during an evaluation. */
  private changes = 0;

  constructor(private readonly context: ReservationDeskContext) {
    this.book = new ReservationBook(context.clock, (info) => {
      context.emit('reservation:expired', { at: context.clock.now(), reservation: info });
      this.wakeUp();
    });
  }

  async reserve(request: ReservationRequest): Promise<Reservation> {
    const checked = validateReservationRequest(request);
    const id = checked.id ?? randomUUID();
    if (this.book.has(id)) {
      throw new EbsAutoscaleError('reservations', 'INVALID_ARGUMENT', `A reservation with id ${id} is already active.`, {
        hint: 'Pass another id, or leave it out.',
      });
    }
    const { signal } = request;
    if (signal?.aborted) throw aborted(checked.holder, signal.reason);
    const info: ReservationInfo = {
      id,
      holder: checked.holder,
      bytes: checked.bytes,
      state: 'waiting',
      requestedAt: this.context.clock.now(),
      ttlMs: checked.ttlMs,
    };
    this.book.add(info);
    const granted = new Promise<Reservation>((resolve, reject) => {
      const onAbort = () => this.refuse(id, 'aborted', aborted(info.holder, signal?.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(id, { resolve, reject, detach: () => signal?.removeEventListener('abort', onAbort) });
    });
    this.wakeUp();
    void this.drive();
    return granted;
  }

  /** Ends an active reservation; true when this call ended it. A waiting one is withdrawn as aborted. */
  release(id: string): boolean {
    const info = this.book.get(id);
    if (!info) return false;
    if (info.state === 'waiting') {
      this.refuse(id, 'aborted', aborted(info.holder, 'released'));
      return true;
    }
    this.book.remove(id);
    this.context.emit('reservation:released', { at: this.context.clock.now(), reservation: info });
    this.wakeUp();
    return true;
  }

  /** Refuses every waiting reservation: the autoscaler is stopping. Granted ones stay until released or expired. */
  stopAll(): void {
    for (const info of this.book.waiting()) {
      this.refuse(
        info.id,
        'stopped',
        new EbsAutoscaleError(
          'reservations',
          'ABORTED',
          `The reservation of ${formatBytes(info.bytes)} for "${info.holder}" was withdrawn: the autoscaler is stopping.`,
          {
            hint: 'Reserve again once the agent runs.',
          },
        ),
      );
    }
  }

  /** Grants or refuses waiting reservations after an evaluation that decided. */
  settle(record: DecisionRecord): void {
    const { decision } = record;
    const counted = record.waitingIds.filter((id) => this.book.get(id)?.state === 'waiting');
    // A scale-up the filesystem cannot make (no way to grow) is a limit too, though the policy does not know it.
    const limit = decision.action === 'limit' ? decision.limit : decision.action === 'scale' && this.context.addableBytes() <= 0 ? 'cannot-grow' : undefined;
    if (limit) {
      for (const id of counted) this.refuse(id, 'limit', this.limitError(this.book.get(id)!, limit), limit);
      return;
    }
    // Every byte reserved when the policy decided, granted and waiting, is free, and the policy wants
    // nothing more with them counted as used: its headroom holds too.
    if (decision.action !== 'none' || record.availableBytes < record.reservedBytes) return;
    for (const id of counted) this.grant(id, record);
  }

  /**
   * Before each decision: refuses, oldest first, a waiting reservation that the free space and all the
   * limits still allow cannot hold beside the ones before it, so nothing is bought for it.
   */
  refuseWhatCannotFit(availableBytes: number): void {
    const capacity = availableBytes + this.context.addableBytes();
    let promised = this.book.grantedBytes();
    for (const info of this.book.waiting()) {
      if (promised + info.bytes <= capacity) {
        promised += info.bytes;
        continue;
      }
      const message =
        `Cannot reserve ${formatBytes(info.bytes)} for "${info.holder}": ${formatBytes(availableBytes)} is free, the limits let the filesystem grow by at most ` +
        `${formatBytes(this.context.addableBytes())} more, and ${formatBytes(promised)} is already reserved.`;
      this.refuse(
        info.id,
        'limit',
        new EbsAutoscaleError('reservations', 'LIMIT_REACHED', message, {
          hint: 'Reserve less, release reservations no longer needed, or raise the limits (maxTotalCreatedGiB, maxAttachedVolumes, maxCreatedVolumes, maxVolumeGiB).',
        }),
      );
    }
  }

  private limitError(info: ReservationInfo, limit: LimitKind): EbsAutoscaleError {
    const why =
      limit === 'cannot-grow'
        ? 'the filesystem cannot grow (its driver has neither extend() nor growInPlace() with a provisioner resize())'
        : `the limit ${limit} is reached`;
    return new EbsAutoscaleError(
      'reservations',
      'LIMIT_REACHED',
      `Cannot reserve ${formatBytes(info.bytes)} for "${info.holder}": the policy needs more space for it, and ${why}.`,
      {
        hint: 'Reserve less, release reservations no longer needed, or raise the limits.',
      },
    );
  }

  private grant(id: string, record: DecisionRecord): void {
    const info = this.book.grant(id);
    const waiter = this.waiters.get(id);
    if (!info || !waiter || info.grantedAt === undefined || info.expiresAt === undefined) return;
    this.waiters.delete(id);
    waiter.detach();
    const { clock } = this.context;
    this.context.emit('reservation:granted', {
      at: clock.now(),
      reservation: info,
      waitedMs: info.grantedAt - info.requestedAt,
      availableBytes: record.availableBytes,
      reservedBytes: this.book.reservedBytes(),
    });
    waiter.resolve({ ...info, state: 'granted', grantedAt: info.grantedAt, expiresAt: info.expiresAt, release: () => this.release(id) });
  }

  private refuse(id: string, reason: RefusalReason, error: EbsAutoscaleError, limit?: LimitKind): void {
    const info = this.book.get(id);
    if (!info || info.state !== 'waiting') return;
    this.book.remove(id);
    const waiter = this.waiters.get(id);
    this.waiters.delete(id);
    waiter?.detach();
    this.context.emit('reservation:refused', {
      at: this.context.clock.now(),
      id,
      holder: info.holder,
      bytes: info.bytes,
      reason,
      ...(limit ? { limit } : {}),
      error,
    });
    waiter?.reject(error);
    this.wakeUp();
  }

  /** While any reservation waits: evaluate, and wait an interval (or the backoff) when that changed nothing. */
  private async drive(): Promise<void> {
    if (this.driving) return;
    this.driving = true;
    try {
      while (this.book.waiting().length > 0) {
        const changesBefore = this.changes;
        const result = await this.context.evaluateNow();
        if (this.book.waiting().length === 0) break;
        // A scale-up completed, or the reservations changed while it decided: decide again at once.
        if (result.scaled === 'complete' || this.changes !== changesBefore) continue;
        const now = this.context.clock.now();
        const retryAt = this.context.retryAt();
        await this.sleep(Math.max(this.context.intervalMs, retryAt !== undefined ? retryAt - now : 0));
      }
    } finally {
      this.driving = false;
    }
  }

  /** A wait on the clock that a new, released, expired or refused reservation cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer: { handle?: TimerHandle } = {};
      const done = () => {
        this.wake = undefined;
        this.context.clock.clearTimeout(timer.handle);
        resolve();
      };
      timer.handle = this.context.clock.setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Something that may change a decision happened: a reservation came, went or expired. */
  private wakeUp(): void {
    this.changes += 1;
    this.wake?.();
  }
}

function aborted(holder: string, reason: unknown): EbsAutoscaleError {
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  return new EbsAutoscaleError('reservations', 'ABORTED', `The reservation for "${holder}" was withdrawn before it was granted (${why}).`, { cause: reason });
}
