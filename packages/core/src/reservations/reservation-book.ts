import type { Clock, TimerHandle } from '../clock.js';
import type { ReservationInfo } from './reservation.js';

/** One active reservation and what the book keeps beside it. */
export interface BookEntry {
  info: ReservationInfo;
  expiry?: TimerHandle;
}

/**
 * The active reservations, waiting or granted, in the order they were made; the one home of "how many
 * bytes are promised". Expiry runs on the injected clock, so tests run in virtual time. No I/O.
 */
export class ReservationBook {
  private readonly entries = new Map<string, BookEntry>();

  constructor(
    private readonly clock: Clock,
    private readonly onExpired: (info: ReservationInfo) => void,
  ) {}

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): ReservationInfo | undefined {
    return this.entries.get(id)?.info;
  }

  add(info: ReservationInfo): void {
    this.entries.set(info.id, { info });
  }

  /** Marks a waiting reservation granted now and starts its expiry. */
  grant(id: string): ReservationInfo | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.info.state !== 'waiting') return undefined;
    const grantedAt = this.clock.now();
    entry.info = { ...entry.info, state: 'granted', grantedAt, expiresAt: grantedAt + entry.info.ttlMs };
    // Nothing awaits an expiry, so it does not hold the process (the granted holder's job does).
    entry.expiry = this.clock.setTimeout(() => this.expire(id), entry.info.ttlMs, { keepAlive: false });
    return entry.info;
  }

  /** Removes a reservation, waiting or granted; returns it, or undefined when it was not active. */
  remove(id: string): ReservationInfo | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiry !== undefined) this.clock.clearTimeout(entry.expiry);
    this.entries.delete(id);
    return entry.info;
  }

  /** Every active reservation, oldest first. */
  list(): ReservationInfo[] {
    return [...this.entries.values()].map((entry) => entry.info);
  }

  waiting(): ReservationInfo[] {
    return this.list().filter((info) => info.state === 'waiting');
  }

  /** Bytes promised: every active reservation, waiting or granted. */
  reservedBytes(): number {
    return this.list().reduce((sum, info) => sum + info.bytes, 0);
  }

  grantedBytes(): number {
    return this.list().reduce((sum, info) => sum + (info.state === 'granted' ? info.bytes : 0), 0);
  }

  private expire(id: string): void {
    const info = this.remove(id);
    if (info) this.onExpired(info);
  }
}
