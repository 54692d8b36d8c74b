import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callReservationApi, PidWatch, reservationSocketPath, ReservationService, serveReservations } from '@ebs-autoscale/cli';
import { GIB, StorageAutoscaler, type ReservationInfo } from '@ebs-autoscale/core';
import { InMemoryDriver, InMemoryProvisioner, MemoryHost } from '@ebs-autoscale/core/testing';

/**
 * The agent's reservation API on its real unix socket, in front of a real StorageAutoscaler on core's
 * in-memory host: what a job's script talks to on an EC2 host, without EC2.
 */
export async function serveAgent() {
  const runDir = await mkdtemp(join(tmpdir(), 'job-reservations-'));
  const host = new MemoryHost();
  const autoscaler = new StorageAutoscaler({
    driver: new InMemoryDriver({ host, initialBytes: 100 * GIB }),
    provisioner: new InMemoryProvisioner({ host }),
    keepAlive: false,
  });
  autoscaler.start();
  const service = new ReservationService(autoscaler, { pidWatch: new PidWatch(25), log: { info: () => {}, warn: () => {} } });
  const socketPath = reservationSocketPath('/scratch', runDir);
  const server = await serveReservations(service, { socketPath, runDir });
  return {
    runDir,
    socketPath,
    reservations: async () => (await callReservationApi(socketPath, 'GET', '/reservations')).body.reservations as ReservationInfo[],
    async close() {
      await service.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await autoscaler.stop({ abandon: true });
      await rm(runDir, { recursive: true, force: true });
    },
  };
}

/** Waits for a condition, never a fixed time. */
export async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Runs a command to its end without blocking the event loop (spawnSync would: the script's requests
 * to the API served in this same process would then never be answered).
 */
export function runScript(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
