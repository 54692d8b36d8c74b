import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GIB, StorageAutoscaler } from '@ebs-autoscale/core';
import { InMemoryDriver, InMemoryProvisioner, MemoryHost } from '@ebs-autoscale/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startReservationApi } from '../src/agent/reservation-api-start.js';
import { main } from '../src/cli/main.js';
import { parseV1Config } from '../src/config/v1-config.js';
import { callReservationApi } from '../src/reservations/api-client.js';
import { reservationSocketPath, resolveGroup } from '../src/reservations/api-socket.js';
import { PidWatch } from '../src/reservations/pid-watch.js';
import { serveReservations } from '../src/reservations/reservation-api.js';
import { ReservationJournal } from '../src/reservations/reservation-journal.js';
import { ReservationService } from '../src/reservations/reservation-service.js';

// The agent's reservation API on a real unix socket, in front of a real StorageAutoscaler on core's
// in-memory host (real clock): what the agent serves, with only the cloud and the disk in memory.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function world(options: { provisionLatencyMs?: number; runDir?: string } = {}) {
  const runDir = options.runDir ?? (await mkdtemp(join(tmpdir(), 'reservations-')));
  if (!options.runDir) cleanups.push(() => rm(runDir, { recursive: true, force: true }));
  const host = new MemoryHost();
  const autoscaler = new StorageAutoscaler({
    driver: new InMemoryDriver({ host, initialBytes: 100 * GIB }),
    provisioner: new InMemoryProvisioner({ host, latencyMs: options.provisionLatencyMs ?? 0 }),
    keepAlive: false,
  });
  autoscaler.start();
  const log: { event?: string }[] = [];
  const logger = { info: (fields: object) => void log.push(fields), warn: (fields: object) => void log.push(fields) };
  const journal = new ReservationJournal(join(runDir, 'scratch.reservations.json'));
  const service = new ReservationService(autoscaler, { pidWatch: new PidWatch(25), journal, log: logger });
  await service.restore();
  const socketPath = reservationSocketPath('/scratch', runDir);
  const server = await serveReservations(service, { socketPath, runDir });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await service.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await autoscaler.stop({ abandon: true });
  };
  cleanups.push(close);
  const api = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => callReservationApi(socketPath, method, path, body);
  return { runDir, socketPath, autoscaler, api, log, close, journal };
}

describe('the reservation API on its unix socket', () => {
  it('listens on a socket of mode 0660 in the run directory, and on no TCP port', async () => {
    const { socketPath, runDir } = await world();
    expect(socketPath).toBe(join(runDir, 'api', 'scratch.sock'));
    const info = await stat(socketPath);
    expect(info.isSocket()).toBe(true);
    expect(info.mode & 0o777).toBe(0o660);
  });

  it('gives the socket, and the run directory that leads to it, the configured group', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'reservations-group-'));
    cleanups.push(() => rm(runDir, { recursive: true, force: true }));
    const gid = await resolveGroup('daemon');
    const host = new MemoryHost();
    const autoscaler = new StorageAutoscaler({
      driver: new InMemoryDriver({ host, initialBytes: GIB }),
      provisioner: new InMemoryProvisioner({ host }),
      keepAlive: false,
    });
    const service = new ReservationService(autoscaler, { pidWatch: new PidWatch(), log: { info: () => {}, warn: () => {} } });
    const server = await serveReservations(service, { socketPath: join(runDir, 'api', 'x.sock'), runDir, gid });
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    expect((await stat(join(runDir, 'api', 'x.sock'))).gid).toBe(gid);
    expect((await stat(join(runDir, 'api'))).gid).toBe(gid);
    expect((await stat(runDir)).gid).toBe(gid);
    await expect(resolveGroup('no-such-group-here')).rejects.toThrow(/There is no group "no-such-group-here"/);
  });

  it('grants, lists and releases a reservation, and says 404 for one that is gone', async () => {
    const { api } = await world();
    const granted = await api('POST', '/reservations', { size: '10GiB', holder: 'job-1', ttl: '6h', wait: true });
    expect(granted.status).toBe(201);
    const reservation = granted.body.reservation as { id: string; state: string; bytes: number; holder: string; expiresAt: number; grantedAt: number };
    expect(reservation).toMatchObject({ state: 'granted', bytes: 10 * GIB, holder: 'job-1' });
    expect(reservation.expiresAt - reservation.grantedAt).toBe(6 * 3_600_000);
    expect((await api('GET', '/reservations')).body.reservations).toEqual([expect.objectContaining({ id: reservation.id })]);

    expect(await api('DELETE', `/reservations/${reservation.id}`)).toEqual({ status: 200, body: { released: reservation.id } });
    expect((await api('GET', '/reservations')).body.reservations).toEqual([]);
    const again = await api('DELETE', `/reservations/${reservation.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error?.code).toBe('NOT_FOUND');
  });

  it('refuses a bad request with every problem named, before anything is reserved', async () => {
    const { api, socketPath } = await world();
    const bad = await api('POST', '/reservations', { size: 'lots', ttl: 'forever', colour: 'red', pid: -3 });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('INVALID_REQUEST');
    expect((bad.body.error as unknown as { problems: { field: string }[] }).problems.map((p) => p.field).sort()).toEqual(['colour', 'pid', 'size', 'ttl']);
    expect(bad.body.error?.message).toMatch(/size "lots" is not a size such as "300GiB"/);
    expect((await api('GET', '/reservations')).body.reservations).toEqual([]);

    const { request } = await import('node:http');
    const notJson = await new Promise<{ status: number; body: string }>((resolve) => {
      const call = request({ socketPath, method: 'POST', path: '/reservations' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      call.end('{"size":');
    });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe('BAD_JSON');
    expect((await api('GET', '/nowhere')).status).toBe(404);
    expect((await api('DELETE', '/reservations')).status).toBe(405);
  });

  it('answers 507 when the limits cannot cover a reservation', async () => {
    const { api } = await world();
    const refused = await api('POST', '/reservations', { size: '4000TiB', wait: true });
    expect(refused.status).toBe(507);
    expect(refused.body.error?.code).toBe('LIMIT_REACHED');
  });

  it('answers at once without wait (202, waiting), and withdraws a waiting reservation when its client hangs up', async () => {
    const { api, socketPath } = await world({ provisionLatencyMs: 3_600_000 });
    const waiting = await api('POST', '/reservations', { size: '150GiB', holder: 'big' });
    expect(waiting.status).toBe(202);
    expect(waiting.body.reservation).toMatchObject({ state: 'waiting', holder: 'big' });
    await api('DELETE', `/reservations/${(waiting.body.reservation as { id: string }).id}`);

    const { request } = await import('node:http');
    const call = request({ socketPath, method: 'POST', path: '/reservations', headers: { 'content-type': 'application/json' } });
    call.on('error', () => undefined);
    call.end(JSON.stringify({ size: '150GiB', holder: 'hangs-up', wait: true }));
    await until(async () => ((await api('GET', '/reservations')).body.reservations as unknown[]).length === 1, 'the reservation is waiting');
    call.destroy();
    await until(async () => ((await api('GET', '/reservations')).body.reservations as unknown[]).length === 0, 'the reservation is withdrawn');
  });

  it('releases a reservation tied to a PID when that process exits, and refuses a PID that is not running', async () => {
    const { api } = await world();
    const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
    cleanups.push(() => void child.kill());
    const granted = await api('POST', '/reservations', { size: '1GiB', pid: child.pid, wait: true });
    expect(granted.status).toBe(201);
    expect((await api('GET', '/reservations')).body.reservations).toHaveLength(1);
    child.kill();
    await until(async () => ((await api('GET', '/reservations')).body.reservations as unknown[]).length === 0, 'released after the process exited');

    const gone = await api('POST', '/reservations', { size: '1GiB', pid: child.pid, wait: true });
    expect(gone.status).toBe(400);
    expect(gone.body.error?.code).toBe('NO_SUCH_PROCESS');
  });

  it('keeps reservations across an agent restart in the run directory, and drops expired ones with a log line', async () => {
    const first = await world();
    const kept = await first.api('POST', '/reservations', { size: '5GiB', holder: 'survives', wait: true });
    const keptId = (kept.body.reservation as { id: string }).id;
    await first.close();
    const entries = await first.journal.read();
    expect(entries.map((e) => e.id)).toEqual([keptId]);
    await writeFile(
      first.journal.path,
      JSON.stringify({
        reservations: [
          ...entries,
          { ...entries[0]!, id: 'old-one', holder: 'expired', expiresAt: Date.now() - 1000 },
          { id: 'hung-up', holder: 'was-waiting', bytes: GIB, state: 'waiting', requestedAt: Date.now(), ttlMs: 3_600_000, waitingOnClient: true },
        ],
      }),
    );

    const second = await world({ runDir: first.runDir });
    const listed = (await second.api('GET', '/reservations')).body.reservations as { id: string; holder: string; bytes: number }[];
    expect(listed).toEqual([expect.objectContaining({ id: keptId, holder: 'survives', bytes: 5 * GIB })]);
    expect(second.log).toContainEqual(expect.objectContaining({ event: 'reservation:dropped', id: 'old-one', why: 'expired' }));
    expect(second.log).toContainEqual(expect.objectContaining({ event: 'reservation:dropped', id: 'hung-up', why: 'client-gone' }));
    expect(second.log).toContainEqual(expect.objectContaining({ event: 'reservation:restored', id: keptId }));
  });

  it("the agent's API closes with a client still waiting, and the next start drops that reservation", async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'reservations-agent-'));
    cleanups.push(() => rm(runDir, { recursive: true, force: true }));
    const host = new MemoryHost();
    const autoscaler = new StorageAutoscaler({
      driver: new InMemoryDriver({ host, initialBytes: 100 * GIB }),
      provisioner: new InMemoryProvisioner({ host, latencyMs: 3_600_000 }),
      keepAlive: false,
    });
    autoscaler.start();
    cleanups.push(() => autoscaler.stop({ abandon: true }));
    const log: { event?: string; why?: string }[] = [];
    const logger = { info: (fields: object) => void log.push(fields), warn: (fields: object) => void log.push(fields) } as never;
    const config = parseV1Config({ version: 1, mountPoint: '/scratch' });
    const api = (await startReservationApi(autoscaler, config, runDir, logger))!;
    const waiting = callReservationApi(api.socketPath, 'POST', '/reservations', { size: '150GiB', wait: true }).catch((error: Error) => error);
    await until(
      async () => ((await callReservationApi(api.socketPath, 'GET', '/reservations')).body.reservations as unknown[]).length === 1,
      'the reservation waits',
    );
    await api.close();
    expect(await waiting).toBeInstanceOf(Error);
    await expect(stat(api.socketPath)).rejects.toThrow(/ENOENT/);

    const again = (await startReservationApi(autoscaler, config, runDir, logger))!;
    cleanups.push(() => again.close());
    expect(log).toContainEqual(expect.objectContaining({ event: 'reservation:dropped', why: 'client-gone' }));
  });

  it('is what `ebs-autoscale reserve` and `release` talk to', async () => {
    const { runDir, api } = await world();
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } as never;
    expect(await main(['reserve', '2GiB', '--run-dir', runDir, '--wait', '--holder', 'cli-job', '--ttl', '90m'], io)).toBe(0);
    const id = out.join('').trim();
    expect((await api('GET', '/reservations')).body.reservations).toEqual([
      expect.objectContaining({ id, holder: 'cli-job', bytes: 2 * GIB, ttlMs: 90 * 60_000 }),
    ]);
    expect(err.join('')).toMatch(/2 GiB for cli-job: granted/);

    expect(await main(['reserve', 'huge', '--run-dir', runDir], io)).toBe(2);
    expect(err.join('')).toMatch(/size "huge" is not a size/);
    expect(await main(['release', id, '--run-dir', runDir], io)).toBe(0);
    expect((await api('GET', '/reservations')).body.reservations).toEqual([]);
    expect(await main(['release', id, '--run-dir', runDir], io)).toBe(1);
  });
});
