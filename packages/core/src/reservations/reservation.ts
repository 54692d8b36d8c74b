/** What `StorageAutoscaler.reserve()` is asked for. */
export interface ReservationRequest {
  /** Bytes the holder is about to write, a positive integer. */
  readonly bytes: number;
  /** Who holds it, for the status and the log: a job id, a workflow step, a PID. Non-empty. */
  readonly holder: string;
  /**
   * How long the reservation counts once granted, ms on the autoscaler's clock; it then expires
   * (`reservation:expired`), so a holder that dies without releasing frees it anyway. Default 6 hours,
   * a long AWS Batch job's step.
   */
  readonly ttlMs?: number;
  /** Aborting it while the reservation waits withdraws it (rejects with `ABORTED`); once granted, only `release()` ends it. */
  readonly signal?: AbortSignal;
  /**
   * The id to give it, e.g. to restore a reservation the agent persisted across a restart: 1–64 of
   * `A–Z a–z 0–9 . _ -`, unique among the active ones. Default: a random UUID.
   */
  readonly id?: string;
}

/** One reservation as the status and the agent's API list it. Plain data: it serialises as JSON. */
export interface ReservationInfo {
  readonly id: string;
  readonly holder: string;
  readonly bytes: number;
  /** `waiting` while the autoscaler grows for it, `granted` once the free space covers it. */
  readonly state: 'waiting' | 'granted';
  /** When `reserve()` was called, ms since the epoch on the autoscaler's clock. */
  readonly requestedAt: number;
  readonly ttlMs: number;
  /** Set once granted. */
  readonly grantedAt?: number;
  /** `grantedAt + ttlMs`: when it stops counting unless released before. Set once granted. */
  readonly expiresAt?: number;
  /**
   * Bytes of it written so far, as the filesystem's growth since the grant tells (oldest grant first):
   * it promises `bytes - writtenBytes` more. Set on a granted one in `reservations()` and `status()`.
   */
  readonly writtenBytes?: number;
}

/** A granted reservation, as `reserve()` resolves with it. */
export interface Reservation extends ReservationInfo {
  readonly state: 'granted';
  readonly grantedAt: number;
  readonly expiresAt: number;
  /**
   * Ends the reservation: its bytes stop counting (`reservation:released`). True when this call ended
   * it, false when it had already ended (released or expired), so a second call is harmless.
   */
  release(): boolean;
}

/** Why a reservation was refused (`reservation:refused`). */
export type RefusalReason = 'limit' | 'aborted' | 'stopped';
