import { randomUUID } from 'node:crypto';
import type { PidWatch } from './pid-watch.js';
import { processIdentity, type ProcessIdentity } from './process-identity.js';
import type { ReservationBody } from './reservation-body.js';
import type { Reservation, ReservationInfo } from '@ebs-autoscale/core';
import type { ReservationHost } from './reservation-host.js';
import type { JournalEntry, ReservationJournal } from './reservation-journal.js';

/** The agent's log, as far as reservations write to it (pino's `info`/`warn`). */
export interface ReservationLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Thrown for a request the service refuses before asking the autoscaler; `status` is the HTTP one. */
export class ReservationRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReservationRequestError';
  }
}

/** What the service adds to the autoscaler's reservations: the PID ties and the journal. */
export class ReservationService {
  private readonly processes = new Map<string, ProcessIdentity>();
  private readonly withdraw = new Map<string, AbortController>();
  /** Waiting reservations whose client waits on its connection (`wait`): they end with it. */
  private readonly waitingOnClient = new Set<string>();
  private saving = Promise.resolve();
  private closed = false;

  constructor(
    private readonly host: ReservationHost,
    private readonly options: { pidWatch: PidWatch; journal?: ReservationJournal; log: ReservationLog; now?: () => number },
  ) {}

  /**
   * Asks the autoscaler for a reservation. Resolves at once with it as listed (usually `waiting`),
   * and `granted` settles when the autoscaler grants or refuses it. `signal` withdraws it while it waits.
   */
  async reserve(body: ReservationBody, signal?: AbortSignal, id: string = randomUUID()): Promise<{ id: string; granted: Promise<Reservation> }> {
    let identity: ProcessIdentity | undefined;
    if (body.pid !== undefined) {
      identity = await processIdentity(body.pid);
      if (!identity) {
        throw new ReservationRequestError(
          400,
          'NO_SUCH_PROCESS',
          `No process ${body.pid} is running where the agent runs. The agent sees the host's PIDs; from inside a container, leave out pid and release the reservation yourself (its ttl frees it otherwise).`,
        );
      }
    }
    if (body.wait) this.waitingOnClient.add(id);
    return this.start(id, body.bytes, body.holder, body.ttlMs, identity, signal);
  }

  /** Ends a reservation, waiting or granted. False when there is none with this id. */
  release(id: string, why: 'request' | 'process-exit' = 'request'): boolean {
    const controller = this.withdraw.get(id);
    const ended = this.host.releaseReservation(id);
    controller?.abort();
    this.forget(id);
    if (ended) this.options.log.info({ event: 'reservation:release', id, why }, why === 'process-exit' ? 'released: its process exited' : 'released');
    return ended;
  }

  list(): readonly ReservationInfo[] {
    return this.host.reservations();
  }

  /**
   * Takes back what the journal holds after a restart: each reservation under its own id, with what
   * is left of its time; one that has expired, or whose process has exited, is dropped with a log line.
   */
  async restore(): Promise<void> {
    const journal = this.options.journal;
    if (!journal) return;
    const now = (this.options.now ?? Date.now)();
    let entries: JournalEntry[];
    try {
      entries = await journal.read();
    } catch (error) {
      this.options.log.warn(
        { event: 'reservation:journal-unreadable', path: journal.path, err: error },
        'the reservations journal could not be read; starting with none',
      );
      entries = [];
    }
    for (const entry of entries) {
      const left = entry.expiresAt === undefined ? entry.ttlMs : entry.expiresAt - now;
      const alive = entry.process === undefined || (await processIdentity(entry.process.pid))?.startTicks === entry.process.startTicks;
      // One still waiting for a client that waited on its connection: the restart closed it, nobody is left to use it.
      const why = left <= 0 ? 'expired' : !alive ? 'process-exited' : entry.waitingOnClient ? 'client-gone' : undefined;
      if (why) {
        this.options.log.info({ event: 'reservation:dropped', id: entry.id, holder: entry.holder, why }, 'dropped a reservation from before the restart');
        continue;
      }
      const { granted } = await this.start(entry.id, entry.bytes, entry.holder, left, entry.process, undefined);
      granted.catch(() => undefined);
      this.options.log.info(
        { event: 'reservation:restored', id: entry.id, holder: entry.holder, bytes: entry.bytes, ttlMs: left },
        'restored a reservation from before the restart',
      );
    }
    await this.save();
  }

  /**
   * Stops watching and writing, before the autoscaler stops: a stopping autoscaler refuses what waits,
   * and the journal must keep what was active for the next start, not record the stop.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.options.pidWatch.close();
    await this.saving;
  }

  private async start(
    id: string,
    bytes: number,
    holder: string,
    ttlMs: number | undefined,
    identity: ProcessIdentity | undefined,
    signal: AbortSignal | undefined,
  ) {
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort(), { once: true });
    this.withdraw.set(id, controller);
    if (identity) {
      this.processes.set(id, identity);
      this.options.pidWatch.watch(id, identity, () => void this.release(id, 'process-exit'));
    }
    const granted = this.host.reserve({ bytes, holder, id, signal: controller.signal, ...(ttlMs === undefined ? {} : { ttlMs }) });
    granted.then(
      () => {
        this.withdraw.delete(id);
        this.waitingOnClient.delete(id);
        void this.save();
      },
      () => this.forget(id),
    );
    await this.save();
    return { id, granted };
  }

  private forget(id: string): void {
    this.withdraw.delete(id);
    this.waitingOnClient.delete(id);
    this.processes.delete(id);
    this.options.pidWatch.unwatch(id);
    void this.save();
  }

  /** Writes the journal from the autoscaler's list (so expired ones drop out), one write at a time. */
  private save(): Promise<void> {
    const journal = this.options.journal;
    if (!journal || this.closed) return this.saving;
    this.saving = this.saving
      .then(() =>
        journal.write(
          this.host.reservations().map((r) => ({
            ...r,
            ...(this.processes.has(r.id) ? { process: this.processes.get(r.id)! } : {}),
            ...(this.waitingOnClient.has(r.id) ? { waitingOnClient: true } : {}),
          })),
        ),
      )
      .catch((error: unknown) =>
        this.options.log.warn({ event: 'reservation:journal-write-failed', path: journal.path, err: error }, 'could not write the reservations journal'),
      );
    return this.saving;
  }
}
