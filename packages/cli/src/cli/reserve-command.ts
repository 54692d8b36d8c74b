import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EbsAutoscaleError, formatBytes } from '@ebs-autoscale/core';
import { canonicalMountPoint } from '../config/mount-point.js';
import { DEFAULT_RUN_DIR } from '../run-dir/lock.js';
import { callReservationApi, type ApiAnswer } from '../reservations/api-client.js';
import { reservationSocketDir, reservationSocketPath } from '../reservations/api-socket.js';
import { EXIT, type CliIo } from './io.js';

const SOCKET_OPTIONS = {
  mountpoint: { type: 'string', short: 'm' },
  socket: { type: 'string' },
  'run-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * The socket to talk to: `--socket`, else `EBS_AUTOSCALE_SOCKET` (a socket mounted into a container),
 * else the mount point's, else the only one in the run directory.
 */
async function socketFor(values: { mountpoint?: string; socket?: string; 'run-dir'?: string }, env: NodeJS.ProcessEnv): Promise<string> {
  if (values.socket) return values.socket;
  if (env.EBS_AUTOSCALE_SOCKET) return env.EBS_AUTOSCALE_SOCKET;
  const runDir = values['run-dir'] ?? DEFAULT_RUN_DIR;
  if (values.mountpoint !== undefined) return reservationSocketPath(await canonicalMountPoint(values.mountpoint, { path: '--mountpoint' }), runDir);
  const dir = reservationSocketDir(runDir);
  const sockets = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.sock'));
  if (sockets.length === 1) return join(dir, sockets[0]!);
  throw new EbsAutoscaleError(
    'api',
    'INVALID_ARGUMENT',
    sockets.length === 0 ? `No agent socket in ${dir}.` : `${sockets.length} agents listen in ${dir} (${sockets.join(', ')}).`,
    {
      hint:
        sockets.length === 0
          ? 'Is `ebs-autoscale run` running? Name its mount point with -m, or the socket with --socket.'
          : 'Say which mount point with -m MOUNT.',
    },
  );
}

function printError(answer: ApiAnswer, io: CliIo): number {
  const error = answer.body.error;
  io.stderr.write(`${error?.message ?? `the agent answered ${answer.status}`}${error?.hint ? ` ${error.hint}` : ''}\n`);
  return answer.status === 400 ? EXIT.usage : EXIT.failed;
}

/**
 * `reserve SIZE`: asks the agent to make room for SIZE before a job writes it. Prints the reservation
 * id on stdout (for `id=$(ebs-autoscale reserve 300GiB --wait)`), and what happened on stderr.
 */
export async function reserveCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...SOCKET_OPTIONS, ttl: { type: 'string' }, wait: { type: 'boolean' }, holder: { type: 'string' }, pid: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    io.stderr.write('Usage: ebs-autoscale reserve SIZE [-m MOUNT] [--ttl 6h] [--wait] [--holder NAME] [--pid PID]  (SIZE such as 300GiB)\n');
    return EXIT.usage;
  }
  if (values.pid !== undefined && !/^\d+$/.test(values.pid)) {
    io.stderr.write(`--pid ${values.pid} is not a process id.\n`);
    return EXIT.usage;
  }
  const body = {
    size: positionals[0],
    ...(values.ttl === undefined ? {} : { ttl: values.ttl }),
    ...(values.holder === undefined ? {} : { holder: values.holder }),
    ...(values.pid === undefined ? {} : { pid: Number(values.pid) }),
    wait: values.wait === true,
  };
  const answer = await callReservationApi(await socketFor(values, env), 'POST', '/reservations', body);
  if (answer.status !== 201 && answer.status !== 202) return printError(answer, io);
  const reservation = answer.body.reservation as { id: string; bytes: number; state: string; holder: string; expiresAt?: number };
  if (values.json) io.stdout.write(`${JSON.stringify(reservation)}\n`);
  else {
    io.stdout.write(`${reservation.id}\n`);
    const until = reservation.expiresAt === undefined ? '' : `, until ${new Date(reservation.expiresAt).toISOString()}`;
    io.stderr.write(`${formatBytes(reservation.bytes)} for ${reservation.holder}: ${reservation.state}${until}\n`);
  }
  return EXIT.ok;
}

/** `release ID`: ends a reservation. */
export async function releaseCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: SOCKET_OPTIONS });
  if (positionals.length !== 1) {
    io.stderr.write('Usage: ebs-autoscale release ID [-m MOUNT]\n');
    return EXIT.usage;
  }
  const id = positionals[0]!;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
    io.stderr.write(`${JSON.stringify(id)} is not a reservation id (the id \`reserve\` printed).\n`);
    return EXIT.usage;
  }
  const answer = await callReservationApi(await socketFor(values, env), 'DELETE', `/reservations/${id}`);
  if (answer.status !== 200) return printError(answer, io);
  if (values.json) io.stdout.write(`${JSON.stringify(answer.body)}\n`);
  else io.stderr.write(`released ${id}\n`);
  return EXIT.ok;
}
