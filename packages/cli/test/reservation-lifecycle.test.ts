import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { MIB } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { main } from '../src/cli/main.js';
import { callReservationApi } from '../src/reservations/api-client.js';
import { reservationSocketPath } from '../src/reservations/api-socket.js';
import { AgentProcess } from './helpers/agent-process.js';
import { SimHost } from './helpers/sim-host.js';
import { reservationJournalPath } from '../src/reservations/reservation-journal.js';
import { tearDown } from './helpers/tear-down.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the reservation lifecycle through \`run\`: ${missing.join('; ')}`);

// `ebs-autoscale run` on the simulator's loop devices with real btrfs: a reservation made through
// `ebs-autoscale reserve` is granted only once the mount has grown to hold it, and survives a restart.
describe.skipIf(!canRun)('reserving through the running agent (root, loop devices, btrfs)', () => {
  let host: SimHost | undefined;
  const agents: AgentProcess[] = [];
  afterEach(async () => {
    await tearDown({ agents: agents.splice(0), host });
    host = undefined;
  });
  const start = () => {
    const agent = AgentProcess.start(host!.runArgv(['--json-logs']));
    agents.push(agent);
    return agent;
  };
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) } } as never;
    return { code: await main(args, io), text: out.join('') };
  };

  it('grants a reservation once the free space covers it, keeps it across a restart, and releases it', async () => {
    host = await SimHost.start();
    const installed = await host.install();
    expect(installed.code, installed.text).toBe(0);
    const first = start();
    await first.waitForEvent('reservations:listening');
    const free = async () => {
      const s = await statfs(host!.mountPoint);
      return s.bavail * s.bsize;
    };
    // A 2 GiB first volume is 256 MiB of loop file (128 MiB per simulated GiB): 400 MiB needs a scale-up.
    expect(await free()).toBeLessThan(400 * MIB);

    const reserved = await cli(['reserve', '400MiB', '--run-dir', host.runDir, '--wait', '--holder', 'download-step', '--ttl', '1h']);
    expect(reserved.code, `${reserved.text}\n${first.tail()}`).toBe(0);
    const id = reserved.text.split('\n')[0]!;
    expect(await free()).toBeGreaterThanOrEqual(400 * MIB);
    expect(first.entries.map((e) => e.event)).toContain('scale:complete');

    expect(await first.stop('SIGTERM'), first.tail()).toEqual({ code: 0, signal: null });
    const second = start();
    const restored = await second.waitForEvent('reservation:restored');
    expect(restored).toMatchObject({ id, holder: 'download-step' });
    await second.waitForEvent('reservations:listening');
    const listed = await callReservationApi(reservationSocketPath(host.mountPoint, host.runDir), 'GET', '/reservations');
    expect(listed.body.reservations).toEqual([expect.objectContaining({ id, holder: 'download-step', bytes: 400 * MIB })]);

    expect((await cli(['release', id, '--run-dir', host.runDir])).code).toBe(0);
    expect((await callReservationApi(reservationSocketPath(host.mountPoint, host.runDir), 'GET', '/reservations')).body.reservations).toEqual([]);

    // Uninstall leaves nothing of this mount point in the run directory: no journal for a later install to restore.
    expect(existsSync(reservationJournalPath(host.mountPoint, host.runDir))).toBe(true);
    expect(await second.stop('SIGTERM'), second.tail()).toEqual({ code: 0, signal: null });
    const uninstalled = await host.uninstall(['--release-volumes', '--yes']);
    expect(uninstalled.code, uninstalled.text).toBe(0);
    expect(existsSync(reservationJournalPath(host.mountPoint, host.runDir))).toBe(false);
  }, 240_000);
});
