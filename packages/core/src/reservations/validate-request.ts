import { EbsAutoscaleError } from '../errors.js';
import type { ReservationRequest } from './reservation.js';

/** 6 hours: a long AWS Batch step. A holder that dies without releasing frees its bytes by then. */
export const DEFAULT_RESERVATION_TTL_MS = 6 * 60 * 60 * 1000;

/** Node's timers fire at once beyond this (a 32-bit signed ms count, about 24.8 days). */
const MAX_TTL_MS = 2 ** 31 - 1;

const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** A request with its defaults, checked. */
export interface CheckedRequest {
  readonly id: string | undefined;
  readonly bytes: number;
  readonly holder: string;
  readonly ttlMs: number;
}

/** Refuses a malformed request before anything is counted, naming the field and what to pass. */
export function validateReservationRequest(request: ReservationRequest): CheckedRequest {
  const { bytes, holder, id } = request;
  const ttlMs = request.ttlMs ?? DEFAULT_RESERVATION_TTL_MS;
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes <= 0) {
    throw invalid(`bytes must be a positive whole number of bytes, got ${String(bytes)}.`, 'Pass e.g. 300 * GIB.');
  }
  if (typeof holder !== 'string' || holder.trim() === '' || holder.length > 256 || [...holder].some(isControl)) {
    throw invalid(
      `holder must be a name of 1–256 printable characters, got ${JSON.stringify(holder)}.`,
      'Pass the job or step that will write, e.g. "nextflow:align-42".',
    );
  }
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_TTL_MS) {
    throw invalid(
      `ttlMs must be a whole number of milliseconds from 1 to ${MAX_TTL_MS} (about 24.8 days), got ${String(ttlMs)}.`,
      'Pass how long the job may hold the space; release() ends it sooner.',
    );
  }
  if (id !== undefined && (typeof id !== 'string' || !ID_PATTERN.test(id))) {
    throw invalid(`id must be 1–64 of A–Z a–z 0–9 . _ -, got ${JSON.stringify(id)}.`, 'Leave it out to get a random one.');
  }
  return { id, bytes, holder, ttlMs };
}

/** A C0 control character or DEL: it would break the log line and the status table the holder appears in. */
function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

function invalid(message: string, hint: string): EbsAutoscaleError {
  return new EbsAutoscaleError('reservations', 'INVALID_ARGUMENT', message, { hint });
}
