import type { Clock, TimerHandle } from '../clock.js';
import type { ReservationInfo } from './reservation.js';

/** One active reservation and what the book keeps beside it. */
export interface BookEntry {
  info: ReservationInfo;
  expiry?: TimerHandle;
  /** The filesystem's used bytes when it was granted (the last observed before the grant). */
  usedAtGrant?: number;
}

/**
 * The active reservations, waiting or granted, in the order they were made; the one home of "how many
 * bytes are promised". Expiry runs on the injected clock, so tests run in virtual time. No I/O.
 *
 * A waiting reservation promises all its bytes. A granted one promises what has not been written yet:
 * the filesystem's growth since its grant counts against it, oldest grant first (see
 * {@link writtenBytes}). Without that, a holder writing into its reservation was counted twice, once
 * as used and once as still promised, and the policy bought for both (issue 16's bench: an announced
 * 300 GiB step bought 467 GiB·h against 229 unannounced). The autoscaler cannot tell whose bytes a
 * write is, so a neighbour's writes count against it too: the holder is then covered for that part as
 * if it had not announced it (the policy grows for the fill as for any other), never less.
 */
export class ReservationBook {
  private readonly entries = new Map<string, BookEntry>();
  /** The filesystem's used bytes at the latest sample ({@link observe}); undefined before the first. */
  private usedBytes: number | undefined;

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

  /** The used bytes of the sample a decision is about to count the reservations against. */
  observe(usedBytes: number): void {
    this.usedBytes = usedBytes;
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
    if (this.usedBytes !== undefined) entry.usedAtGrant = this.usedBytes;
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

  /** Every active reservation, oldest first; a granted one with the bytes written into it so far. */
  list(): ReservationInfo[] {
    const written = this.writtenBytes();
    return [...this.entries.values()].map((entry) => {
      const bytes = written.get(entry.info.id);
      return bytes === undefined ? entry.info : { ...entry.info, writtenBytes: bytes };
    });
  }

  waiting(): ReservationInfo[] {
    return [...this.entries.values()].map((entry) => entry.info).filter((info) => info.state === 'waiting');
  }

  /** Bytes promised: every waiting reservation in full, and what is not yet written of every granted one. */
  reservedBytes(): number {
    return this.list().reduce((sum, info) => sum + info.bytes - (info.writtenBytes ?? 0), 0);
  }

  /** What is not yet written of the granted reservations. */
  grantedBytes(): number {
    return this.list().reduce((sum, info) => sum + (info.state === 'granted' ? info.bytes - (info.writtenBytes ?? 0) : 0), 0);
  }

  /**
   * Granted reservation id → bytes written into it. Each granted one may take the bytes the used count
   * rose through after its grant, from its used bytes at the grant up to now; a byte goes to one
   * reservation only, the oldest grant first, each taking the lowest it can, at most its size. So two
   * holders writing at once are not both counted for one write, and a deletion gives bytes back (the
   * used count falls below where a grant began), so the promise never runs ahead of the used bytes.
   */
  private writtenBytes(): Map<string, number> {
    const written = new Map<string, number>();
    const used = this.usedBytes;
    if (used === undefined) return written;
    const granted = [...this.entries.values()]
      .filter((entry) => entry.info.state === 'granted' && entry.usedAtGrant !== undefined)
      .sort((a, b) => (a.info.grantedAt ?? 0) - (b.info.grantedAt ?? 0));
    /** Spans of the used count already given to an older grant, [from, to), ascending and apart. */
    let taken: [number, number][] = [];
    for (const entry of granted) {
      let from = entry.usedAtGrant!;
      let want = entry.info.bytes;
      const mine: [number, number][] = [];
      for (const [a, b] of [...taken, [used, Number.POSITIVE_INFINITY] as [number, number]]) {
        if (want <= 0) break;
        if (b <= from) continue;
        const to = Math.min(a, used, from + want);
        if (to > from) {
          mine.push([from, to]);
          want -= to - from;
        }
        from = Math.max(from, b);
        if (from >= used) break;
      }
      written.set(entry.info.id, entry.info.bytes - want);
      taken = [...taken, ...mine].sort((x, y) => x[0] - y[0]);
    }
    return written;
  }

  private expire(id: string): void {
    const info = this.remove(id);
    if (info) this.onExpired(info);
  }
}
