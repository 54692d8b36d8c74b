import { request } from 'node:http';
import { EbsAutoscaleError } from '@ebs-autoscale/core';

/** An answer of the agent's API: its HTTP status and JSON body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: { error?: { code: string; message: string; hint?: string }; [key: string]: unknown };
}

/** One request to the agent's reservation API over its unix socket. */
export function callReservationApi(socketPath: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const call = request(
      { socketPath, method, path, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as ApiAnswer['body'] });
          } catch {
            reject(
              new EbsAutoscaleError('api', 'INTERNAL', `${socketPath} answered ${response.statusCode} with something that is not JSON: ${text.slice(0, 200)}`),
            );
          }
        });
      },
    );
    call.on('error', (error: NodeJS.ErrnoException) => reject(unreachable(socketPath, error)));
    call.end(payload);
  });
}

function unreachable(socketPath: string, error: NodeJS.ErrnoException): EbsAutoscaleError {
  if (error.code === 'EACCES') {
    return new EbsAutoscaleError('api', 'UNAUTHORIZED', `Permission denied on ${socketPath}.`, {
      hint: "Run as root, or as a member of the group the agent's configuration names in reservations.group.",
      cause: error,
    });
  }
  const why =
    error.code === 'ENOENT'
      ? 'does not exist'
      : error.code === 'ECONNREFUSED'
        ? 'has no agent listening'
        : `cannot be reached (${error.code ?? error.message})`;
  return new EbsAutoscaleError('api', 'NOT_PREPARED', `The agent's socket ${socketPath} ${why}.`, {
    hint: 'Is `ebs-autoscale run` running for this mount point? Try: ebs-autoscale status',
    cause: error,
  });
}
