import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { EbsAutoscaleError } from '@ebs-autoscale/core';
import { dirname } from 'node:path';
import { ensureRunDir } from '../run-dir/run-dir.js';
import { clearStaleSocket, restrictSocket } from './api-socket.js';
import { readReservationBody } from './reservation-body.js';
import { ReservationRequestError, type ReservationService } from './reservation-service.js';

/** Options of {@link serveReservations}. */
export interface ReservationApiOptions {
  readonly socketPath: string;
  readonly runDir: string;
  /** The group whose members may use the socket; without one, root only. */
  readonly gid?: number;
}

const MAX_BODY_BYTES = 16 * 1024;
const ID_PATH = /^\/reservations\/([A-Za-z0-9._-]{1,64})$/;

// How an autoscaler refusal reads over HTTP: 507 Insufficient Storage says what a limit means.
const STATUS_OF_CODE: Record<string, number> = { INVALID_ARGUMENT: 400, LIMIT_REACHED: 507, ABORTED: 409 };

type Answer = { status: number; body: unknown };

function errorAnswer(status: number, code: string, message: string, extra: object = {}): Answer {
  return { status, body: { error: { code, message, ...extra } } };
}

function fromError(error: unknown): Answer {
  if (error instanceof ReservationRequestError) return errorAnswer(error.status, error.code, error.message);
  if (error instanceof EbsAutoscaleError)
    return errorAnswer(STATUS_OF_CODE[error.code] ?? 500, error.code, error.message, error.hint ? { hint: error.hint } : {});
  return errorAnswer(500, 'INTERNAL', (error as Error).message ?? String(error));
}

async function readJson(request: IncomingMessage): Promise<{ json: unknown } | Answer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return errorAnswer(413, 'TOO_LARGE', `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { json: text.trim() === '' ? {} : JSON.parse(text) };
  } catch (error) {
    return errorAnswer(400, 'BAD_JSON', `the body is not JSON: ${(error as Error).message}`);
  }
}

/** `POST /reservations`: answers when granted with `wait`, else at once (202 while it waits). */
async function postReservation(service: ReservationService, request: IncomingMessage, response: ServerResponse): Promise<Answer> {
  const read = await readJson(request);
  if (!('json' in read)) return read;
  const checked = readReservationBody(read.json, { holder: 'unnamed' });
  if ('problems' in checked) {
    return errorAnswer(400, 'INVALID_REQUEST', checked.problems.map((p) => (p.field ? `${p.field} ${p.message}` : p.message)).join('; '), {
      problems: checked.problems,
    });
  }
  const { body } = checked;
  // A client that hangs up while it waits withdraws its reservation: nobody is left to release it.
  const gone = new AbortController();
  if (body.wait) response.once('close', () => response.writableFinished || gone.abort());
  const { id, granted } = await service.reserve(body, gone.signal);
  const settled = body.wait
    ? await granted.then(
        (r) => ({ r }),
        (e: unknown) => ({ e }),
      )
    : await Promise.race([
        granted.then(
          (r) => ({ r }),
          (e: unknown) => ({ e }),
        ),
        new Promise<undefined>((r) => setImmediate(() => r(undefined))),
      ]);
  if (settled && 'e' in settled) return fromError(settled.e);
  const info = service.list().find((r) => r.id === id);
  if (settled && 'r' in settled) return { status: 201, body: { reservation: info ?? { ...settled.r } } };
  return { status: 202, body: { reservation: info } };
}

async function route(service: ReservationService, request: IncomingMessage, response: ServerResponse): Promise<Answer> {
  const path = new URL(request.url ?? '/', 'http://agent').pathname;
  if (path === '/reservations') {
    if (request.method === 'GET') return { status: 200, body: { reservations: service.list() } };
    if (request.method === 'POST') return postReservation(service, request, response);
    return errorAnswer(405, 'METHOD_NOT_ALLOWED', `${request.method} ${path}: use GET or POST`);
  }
  const match = ID_PATH.exec(path);
  if (match) {
    if (request.method !== 'DELETE') return errorAnswer(405, 'METHOD_NOT_ALLOWED', `${request.method} ${path}: use DELETE`);
    const id = match[1]!;
    return service.release(id)
      ? { status: 200, body: { released: id } }
      : errorAnswer(404, 'NOT_FOUND', `no active reservation ${id} (released, expired or never made)`);
  }
  return errorAnswer(404, 'NOT_FOUND', `no route ${path}; the routes are POST /reservations, GET /reservations, DELETE /reservations/{id}`);
}

/**
 * The agent's local API: HTTP on a unix socket of the mount point, never TCP, mode 0660 (and the
 * configured group). Routes: `POST /reservations` (`{"size":"300GiB","holder":"job-42","ttl":"6h",
 * "pid":1234,"wait":true}`), `GET /reservations`, `DELETE /reservations/{id}`; errors are
 * `{"error":{"code","message",…}}`.
 */
export async function serveReservations(service: ReservationService, options: ReservationApiOptions): Promise<Server> {
  const server = createServer((request, response) => {
    route(service, request, response)
      .catch(fromError)
      .then(({ status, body }) => {
        if (response.destroyed) return;
        response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
      });
  });
  // Created 0750 and refused when it is a symlink, as the run directory itself is.
  await ensureRunDir(dirname(options.socketPath));
  await clearStaleSocket(options.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await restrictSocket(options.socketPath, options.runDir, options.gid);
  return server;
}
