import type { Server } from 'node:http';
import { unlink } from 'node:fs/promises';
import type { StorageAutoscaler } from '@ebs-autoscale/core';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/agent-config.js';
import { reservationSocketPath, resolveGroup } from '../reservations/api-socket.js';
import { PidWatch } from '../reservations/pid-watch.js';
import { serveReservations } from '../reservations/reservation-api.js';
import { ReservationJournal, reservationJournalPath } from '../reservations/reservation-journal.js';
import { ReservationService } from '../reservations/reservation-service.js';

/** The running local API of one agent. */
export interface StartedReservationApi {
  readonly socketPath: string;
  readonly journalPath: string;
  /** Closes the socket and stops the journal, leaving it for the next start. */
  close(): Promise<void>;
}

/**
 * Restores the reservations a previous run of this agent left in its journal, then serves the API on
 * the mount point's socket in the run directory. Undefined when the configuration turns it off.
 */
export async function startReservationApi(
  autoscaler: StorageAutoscaler,
  config: AgentConfig,
  runDir: string,
  logger: Logger,
  pidIntervalMs?: number,
): Promise<StartedReservationApi | undefined> {
  const settings = config.reservations ?? { enabled: true };
  if (!settings.enabled) return undefined;
  const gid = settings.group === undefined ? undefined : await resolveGroup(settings.group);
  const socketPath = reservationSocketPath(config.mountPoint, runDir);
  const journal = new ReservationJournal(reservationJournalPath(config.mountPoint, runDir));
  const service = new ReservationService(autoscaler, { pidWatch: new PidWatch(pidIntervalMs), journal, log: logger });
  await service.restore();
  const server: Server = await serveReservations(service, { socketPath, runDir, ...(gid === undefined ? {} : { gid }) });
  logger.info({ event: 'reservations:listening', socket: socketPath, group: settings.group ?? 'root' }, 'reservation API on its socket');
  return {
    socketPath,
    journalPath: journal.path,
    async close() {
      await service.close();
      // A client waiting for a grant holds its connection open: close it first, or close() would wait for it.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await unlink(socketPath).catch(() => undefined);
    },
  };
}
