import { reservationJournalPath } from '../reservations/reservation-journal.js';
import type { Server } from 'node:http';
import { unlink } from 'node:fs/promises';
import { EbsAutoscaleError, type StorageAutoscaler } from '@ebs-autoscale/core';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/agent-config.js';
import { logAutoscalerEvents } from '../observe/log-events.js';
import { statusFilePath, writeStatusReport } from '../run-dir/status-file.js';
import { buildAgent, type BuildAgentOptions, type BuiltAgent } from './build-agent.js';
import { resolveHostDriver } from '../host/host-driver.js';
import { acquireMountLock, DEFAULT_RUN_DIR } from '../run-dir/lock.js';
import { mountSource } from '../host/mount-source.js';
import { configuredReclaimers } from './configured-reclaimers.js';
import { startReservationApi, type StartedReservationApi } from './reservation-api-start.js';

/** Options of {@link runAgent}. */
export interface RunAgentOptions extends Partial<BuildAgentOptions> {
  config: AgentConfig;
  logger: Logger;
  /** Lock and status directory. Default `/run/ebs-autoscale`. */
  runDir?: string | undefined;
  /** Serve Prometheus metrics here; overrides the configuration's port. */
  metricsPort?: number | undefined;
  /** Format and mount the initial devices when nothing is mounted yet. Default true. */
  prepare?: boolean | undefined;
  /** How often the status file is rewritten besides on every event, ms. Default 5000. */
  statusIntervalMs?: number | undefined;
  /** Where os-release is read from (an LVM layout without a filesystem takes the distribution's). */
  osReleasePaths?: readonly string[] | undefined;
  /** How long start-up waits for owned volumes' devices to appear before judging strays, ms. Default core's 60 000. */
  straySettleMs?: number | undefined;
  /** How often a reservation tied to a PID checks that its process still runs, ms. Default 2000. */
  reservationPidIntervalMs?: number | undefined;
}

/** A running agent. */
export interface RunningAgent extends BuiltAgent {
  /**
   * Stops the loop, writes a final status, releases the lock. An operation in flight finishes; with
   * `graceMs`, one still running after that long is abandoned, and the provisioner cleans up what it created.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  readonly statusFile: string;
  readonly metricsServer: Server | undefined;
  /** The reservation API's socket; undefined when the configuration turns it off. */
  readonly reservationSocket: string | undefined;
}

/**
 * Starts the agent for one mount point: takes the lock, prepares the filesystem (idempotent), has the
 * autoscaler recover what a crash left behind (core's `recover()`: reconcile, strays, pending growth),
 * and starts it with logging, a status file and optional metrics. The CLI's `run` and `demo` both go
 * through here.
 */
export async function runAgent(options: RunAgentOptions): Promise<RunningAgent> {
  const { config, logger } = options;
  const runDir = options.runDir ?? DEFAULT_RUN_DIR;
  const lock = await acquireMountLock(config.mountPoint, { dir: runDir });
  const cleanups: (() => Promise<void> | void)[] = [() => lock.release()];
  try {
    const devices = options.devices ?? (await currentDevices(config.mountPoint));
    const driverConfig = options.driver ?? (await resolveHostDriver(config, options.osReleasePaths)).driver;
    const reclaimers = options.reclaimers ?? (await configuredReclaimers(config));
    const built = buildAgent(config, { ...options, devices, driver: driverConfig, reclaimers });
    const { autoscaler, provisioner, driver } = built;
    cleanups.push(logAutoscalerEvents(autoscaler, logger, { summaryIntervalSeconds: config.logging.summaryIntervalSeconds }));
    logger.info(
      {
        event: 'agent:start',
        mountPoint: config.mountPoint,
        format: config.format,
        driver: driver.name,
        policy: built.policy.name,
        limits: built.policy.limits,
      },
      'ebs-autoscale starting',
    );

    const port = options.metricsPort ?? config.metrics.port;
    let metricsServer: Server | undefined;
    if (port !== undefined) {
      // Imported only when metrics are on: prom-client brings @opentelemetry/api, cluster, perf_hooks and v8.
      const { createAgentMetrics, serveMetrics } = await import('../observe/metrics.js');
      const metrics = createAgentMetrics(autoscaler);
      provisioner.on('ec2:call', (e) => metrics.recordEc2Call(e.action, e.error ? (e.error.code === 'THROTTLED' ? 'throttled' : 'error') : 'ok', e.durationMs));
      metricsServer = await serveMetrics(metrics.registry, port, config.metrics.host);
      const server = metricsServer;
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      logger.info({ event: 'metrics:listening', port, host: config.metrics.host }, 'metrics on /metrics');
    }
    provisioner.on('ec2:retry', (e) =>
      logger.warn({ event: 'ec2:retry', action: e.action, attempt: e.attempt, delayMs: e.delayMs, code: e.error.code }, `EC2 ${e.action} retry`),
    );
    provisioner.on('volume:created', (e) =>
      logger.info({ event: 'volume:created', volumeId: e.volumeId, sizeGiB: e.sizeGiB, volumeType: e.volumeType }, 'volume created'),
    );
    provisioner.on('volume:attached', (e) => logger.info({ event: 'volume:attached', volumeId: e.volumeId, deviceName: e.deviceName }, 'attach requested'));
    provisioner.on('volume:deleted', (e) => logger.info({ event: 'volume:deleted', volumeId: e.volumeId, reason: e.reason }, 'volume deleted'));

    if (options.prepare !== false) await driver.prepare();
    const { reconcile, strays } = await autoscaler.recover(options.straySettleMs === undefined ? {} : { settleMs: options.straySettleMs });
    logger.info({ event: 'reconcile', ...reconcile }, 'reconciled owned volumes');
    for (const volumeId of strays.adopted) logger.info({ event: 'stray:adopted', volumeId }, 'added a volume a crash left outside the filesystem');
    for (const volumeId of strays.released) logger.info({ event: 'stray:released', volumeId }, 'released a volume a crash left outside the filesystem');
    if (strays.adopted.length + strays.released.length + strays.kept.length > 0)
      logger.info({ event: 'reconcile:strays', ...strays }, 'handled volumes outside the filesystem');

    const statusFile = statusFilePath(config.mountPoint, runDir);
    let writing = Promise.resolve();
    const publish = () => {
      writing = writing
        .then(() => writeStatusReport(statusFile, { pid: process.pid, writtenAt: Date.now(), status: autoscaler.status() }))
        .catch((error: unknown) => logger.warn({ event: 'status:write-failed', err: error }, 'could not write the status file'));
      return writing;
    };
    for (const event of ['scale:start', 'scale:complete', 'scale:failed', 'limit:reached', 'threshold:crossed', 'mount:read-only', 'mount:writable'] as const)
      autoscaler.on(event, () => void publish());
    const timer = setInterval(() => void publish(), options.statusIntervalMs ?? 5000);
    timer.unref();
    cleanups.push(() => clearInterval(timer));
    autoscaler.start();
    // A started autoscaler keeps the process alive: stop it if the API cannot start (a missing group).
    const api: StartedReservationApi | undefined = await startReservationApi(autoscaler, config, runDir, logger, options.reservationPidIntervalMs).catch(
      async (error: unknown) => {
        await autoscaler.stop();
        throw error;
      },
    );
    await publish();
    logger.info({ event: 'agent:ready', devices: await driver.devices().catch(() => []) }, 'running');

    let stopped: Promise<void> | undefined;
    return {
      ...built,
      statusFile,
      metricsServer,
      reservationSocket: api?.socketPath,
      stop(options = {}) {
        stopped ??= (async () => {
          logger.info({ event: 'agent:stop' }, 'stopping');
          // Before the autoscaler stops: its refusals of waiting reservations must not reach the journal.
          await api?.close();
          await stopWithin(autoscaler, options.graceMs, logger);
          await publish();
          await runCleanups(cleanups);
          logger.info({ event: 'agent:stopped', addedVolumes: autoscaler.status().addedVolumes }, 'stopped');
        })();
        return stopped;
      },
    };
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

/** A graceful stop; past `graceMs`, the operation in flight is abandoned. */
async function stopWithin(autoscaler: StorageAutoscaler, graceMs: number | undefined, logger: Logger): Promise<void> {
  const graceful = autoscaler.stop();
  if (graceMs === undefined) return graceful;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, graceMs, 'late')));
  const outcome = await Promise.race([graceful.then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    logger.warn({ event: 'agent:abandon', graceMs }, `the operation in flight did not finish within ${graceMs / 1000} s; abandoning it`);
    await autoscaler.stop({ abandon: true });
  }
}

/** Removes a mount point's status file (after an uninstall or a demo). */
/** What uninstall removes of a mount point's run directory: its last status report and its reservations. */
export async function removeRunFiles(mountPoint: string, runDir = DEFAULT_RUN_DIR): Promise<void> {
  await unlink(statusFilePath(mountPoint, runDir)).catch(() => undefined);
  await unlink(reservationJournalPath(mountPoint, runDir)).catch(() => undefined);
}

async function currentDevices(mountPoint: string): Promise<string[]> {
  const device = await mountSource(mountPoint);
  if (!device) {
    throw new EbsAutoscaleError('agent', 'NOT_PREPARED', `Nothing is mounted at ${mountPoint}.`, {
      hint: 'Run `ebs-autoscale install` first (it creates and mounts the filesystem), or check /etc/fstab.',
    });
  }
  return [device];
}

async function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
}
