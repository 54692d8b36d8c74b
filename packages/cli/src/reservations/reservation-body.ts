import { parseGoDuration } from '@ebs-autoscale/reclaimer-docker';
import { parseSize } from './size-text.js';

/** A `POST /reservations` body, checked. */
export interface ReservationBody {
  readonly bytes: number;
  readonly holder: string;
  readonly ttlMs?: number;
  /** Release it when this process (in the agent's PID namespace) exits. */
  readonly pid?: number;
  /** Answer only once it is granted or refused, instead of at once. */
  readonly wait: boolean;
}

/** One thing wrong with a request body, for the JSON error. */
export interface BodyProblem {
  readonly field: string;
  readonly message: string;
}

const KEYS = new Set(['bytes', 'size', 'holder', 'ttl', 'ttlMs', 'pid', 'wait']);
const HOLDER = /^[\x20-\x7e]{1,200}$/;

/**
 * Checks a request body: `size` ("300GiB") or `bytes` (a number), and optional `holder`, `ttl` ("6h",
 * a Go duration as ECS writes them) or `ttlMs`, `pid`, `wait`. Every problem is listed, and a key it
 * does not know is one, so a misspelt `ttl` is never silently the default.
 */
export function readReservationBody(json: unknown, defaults: { holder: string }): { body: ReservationBody } | { problems: BodyProblem[] } {
  const problems: BodyProblem[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { problems: [{ field: '', message: 'the body must be a JSON object such as {"size": "300GiB"}' }] };
  const value = json as Record<string, unknown>;
  for (const key of Object.keys(value)) if (!KEYS.has(key)) problems.push({ field: key, message: `is not a field; the fields are ${[...KEYS].join(', ')}` });

  let bytes: number | undefined;
  if (value.size !== undefined && value.bytes !== undefined) problems.push({ field: 'size', message: 'give size or bytes, not both' });
  if (value.size !== undefined) {
    bytes = typeof value.size === 'string' ? parseSize(value.size) : undefined;
    if (bytes === undefined) problems.push({ field: 'size', message: `${JSON.stringify(value.size)} is not a size such as "300GiB", "1.5TiB" or "500GB"` });
  } else if (value.bytes !== undefined) {
    bytes = typeof value.bytes === 'number' && Number.isSafeInteger(value.bytes) ? value.bytes : undefined;
    if (bytes === undefined) problems.push({ field: 'bytes', message: `${JSON.stringify(value.bytes)} is not a whole number of bytes` });
  } else problems.push({ field: 'size', message: 'is required: how much the job will write, e.g. "300GiB"' });
  if (bytes !== undefined && bytes <= 0) problems.push({ field: value.size !== undefined ? 'size' : 'bytes', message: 'must be more than 0' });

  const holder = value.holder === undefined ? defaults.holder : value.holder;
  if (typeof holder !== 'string' || !HOLDER.test(holder))
    problems.push({ field: 'holder', message: 'must be 1–200 printable ASCII characters, e.g. a job id' });

  let ttlMs: number | undefined;
  if (value.ttl !== undefined && value.ttlMs !== undefined) problems.push({ field: 'ttl', message: 'give ttl or ttlMs, not both' });
  if (value.ttl !== undefined) {
    ttlMs = typeof value.ttl === 'string' ? parseGoDuration(value.ttl) : undefined;
    if (ttlMs === undefined) problems.push({ field: 'ttl', message: `${JSON.stringify(value.ttl)} is not a duration such as "6h", "90m" or "1h30m"` });
  } else if (value.ttlMs !== undefined) {
    ttlMs = typeof value.ttlMs === 'number' && Number.isSafeInteger(value.ttlMs) ? value.ttlMs : undefined;
    if (ttlMs === undefined) problems.push({ field: 'ttlMs', message: 'must be a whole number of milliseconds' });
  }
  if (ttlMs !== undefined && ttlMs <= 0) problems.push({ field: value.ttl !== undefined ? 'ttl' : 'ttlMs', message: 'must be more than 0' });

  const pid = value.pid;
  if (pid !== undefined && !(typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 1))
    problems.push({ field: 'pid', message: 'must be a process id above 1' });
  if (value.wait !== undefined && typeof value.wait !== 'boolean') problems.push({ field: 'wait', message: 'must be true or false' });

  if (problems.length > 0) return { problems };
  return {
    body: {
      bytes: bytes!,
      holder: holder as string,
      ...(ttlMs === undefined ? {} : { ttlMs }),
      ...(pid === undefined ? {} : { pid: pid as number }),
      wait: value.wait === true,
    },
  };
}
