import { MIB } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { Filler } from '../src/demo/filler.js';
import { AgentProcess, type LogEntry } from './helpers/agent-process.js';
import { SimHost, smallConfig, TEST_LATENCIES } from './helpers/sim-host.js';
import { tearDown } from './helpers/tear-down.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the stop-mid-scale tests (SIGTERM, SIGKILL, restart): ${missing.join('; ')}`);

/**
 * After a restart: every volume that ever carried our tag for the mount is either gone (deleting or
 * deleted) or attached and a device of the btrfs filesystem. Nothing `available`, `creating`, or
 * attached but unused.
 */
function expectNothingOrphaned(host: SimHost): void {
  const devices = host.btrfsDevices();
  for (const volume of host.everOwned()) {
    if (volume.state === 'deleting' || volume.state === 'deleted') continue;
    expect(volume.state, volume.volumeId).toBe('in-use');
    expect(devices, `${volume.volumeId} (${volume.loopDevice}) is attached but not in the filesystem`).toContain(volume.loopDevice);
  }
}

describe.skipIf(!canRun)('stopping `run` mid-scale, then starting it again (root, loop devices, btrfs)', () => {
  let host: SimHost | undefined;
  const agents: AgentProcess[] = [];
  let filler: Filler | undefined;

  afterEach(async () => {
    await tearDown({ filler, agents: agents.splice(0), host });
    [host, filler] = [undefined, undefined];
  });

  const start = (extra: string[] = []) => {
    const agent = AgentProcess.start(host!.runArgv(['--json-logs', ...extra]));
    agents.push(agent);
    return agent;
  };

  /**
   * Installs, starts `run` (with `extra`), fills the mount, and sends `signal` as the first scale-up
   * starts; attaches take `attachMs`, which keeps the scale-up in flight when the signal lands. Returns
   * the stopped agent (it exited 0), its events, and the index of the entry that ended that scale-up.
   */
  const signalMidScale = async (attachMs: number, extra: string[] = [], signal: NodeJS.Signals = 'SIGTERM') => {
    host = await SimHost.start({ latencies: { ...TEST_LATENCIES, attach: { kind: 'fixed', ms: attachMs } } });
    const installed = await host.install();
    expect(installed.code, installed.text).toBe(0);
    const first = start(extra);
    await first.waitForEvent('agent:ready');
    filler = new Filler(host.mountPoint, 16 * MIB);
    filler.start();
    const scaling = await first.waitForEvent('scale:start', { timeoutMs: 90_000 });
    first.kill(signal);
    expect(await first.exited, first.tail()).toEqual({ code: 0, signal: null });
    await filler.stop();
    const events = first.entries.map((entry) => entry.event);
    const ended = first.entries.findIndex(
      (entry) => (entry.event === 'scale:complete' || entry.event === 'scale:failed') && entry.operationId === scaling.operationId,
    );
    return { first, events, ended };
  };

  it('SIGTERM mid-scale: the scale-up finishes, exit 0; after the next start nothing is orphaned', async () => {
    // A slow attach keeps the scale-up in flight long enough for the signal to land inside it.
    const { first, events, ended } = await signalMidScale(1500);
    const world = host!;
    // The operation in flight ended (completed, here) before the agent said it stopped.
    expect(ended, first.tail()).toBeGreaterThan(events.indexOf('signal'));
    expect(first.entries[ended]?.event).toBe('scale:complete');
    expect(events.indexOf('agent:stopped')).toBeGreaterThan(ended);

    const second = start();
    const reconcile = await second.waitForEvent('reconcile');
    expect(reconcile).toMatchObject({ attached: [], deleted: [] });
    await second.waitForEvent('agent:ready');
    expect(await second.stop('SIGTERM'), second.tail()).toEqual({ code: 0, signal: null });
    expect(world.owned().length).toBeGreaterThanOrEqual(2);
    expectNothingOrphaned(world);
  }, 240_000);

  it('SIGTERM with a scale-up that outlasts --stop-grace: abandoned and cleaned up, exit 0; after the next start nothing is orphaned', async () => {
    // An attach that takes a minute stands for a scale-up stuck in throttled retries, which can outlast
    // systemd's TimeoutStopSec; the agent must give up on it itself, not be SIGKILLed.
    const { first, events, ended } = await signalMidScale(60_000, ['--stop-grace', '1']);
    const world = host!;
    expect(events, first.tail()).toContain('agent:abandon');
    // The operation ended as a failure (aborted), never as a completed scale-up, before the agent stopped.
    expect(first.entries[ended]?.event, first.tail()).toBe('scale:failed');
    expect(events.indexOf('agent:stopped')).toBeGreaterThan(ended);

    const second = start();
    await second.waitForEvent('agent:ready', { timeoutMs: 120_000 });
    expect(await second.stop('SIGTERM'), second.tail()).toEqual({ code: 0, signal: null });
    await world.sim.settled();
    expectNothingOrphaned(world);
  }, 240_000);

  it('SIGHUP mid-scale stops the agent as SIGTERM does: the scale-up finishes, exit 0, no volume left unattached', async () => {
    // Its default action would exit 129 between CreateVolume and the filesystem (issue 12, item 5).
    const { first, events, ended } = await signalMidScale(1500, [], 'SIGHUP');
    expect(first.entries.find((entry) => entry.event === 'signal')?.signal, first.tail()).toBe('SIGHUP');
    expect(ended, first.tail()).toBeGreaterThan(events.indexOf('signal'));
    expect(first.entries[ended]?.event).toBe('scale:complete');
    expect(events.indexOf('agent:stopped')).toBeGreaterThan(ended);
    // No restart: what the stopped agent left is already clean.
    await host!.sim.settled();
    expectNothingOrphaned(host!);
    expect(host!.owned().length).toBeGreaterThanOrEqual(2);
  }, 240_000);

  // SIGKILL gives the agent no chance to finish: right after CreateVolume (the volume is still
  // `creating`, never attached) or right after AttachVolume (attached, never added to btrfs).
  it.each([
    ['volume:created', 'attach'],
    ['volume:created', 'delete'],
    ['volume:attached', 'attach'],
    ['volume:attached', 'delete'],
  ] as const)(
    'SIGKILL after %s with orphans: %s: the next start attaches-and-adds or deletes the orphan',
    async (killAfter, orphans) => {
      // Slow create and attach: the kill lands while EC2 is still working on the volume.
      host = await SimHost.start({
        latencies: { ...TEST_LATENCIES, create: { kind: 'fixed', ms: 2500 }, attach: { kind: 'fixed', ms: 2000 } },
        config: (mountPoint) => smallConfig(mountPoint, { reconcile: { orphans } }),
      });
      const installed = await host.install();
      expect(installed.code, installed.text).toBe(0);

      const first = start();
      await first.waitForEvent('agent:ready');
      filler = new Filler(host.mountPoint, 16 * MIB);
      filler.start();
      const hit: LogEntry = await first.waitForEvent(killAfter, { timeoutMs: 90_000 });
      first.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      await filler.stop();
      const orphanId = String(hit.volumeId);
      // Proof the kill landed in the window: EC2 has the volume, the filesystem does not.
      const atKill = host.sim.volume(orphanId);
      if (killAfter === 'volume:created') expect(['creating', 'available']).toContain(atKill?.state);
      else expect(atKill?.attachment?.instanceId).toBe(host.sim.instance.instanceId);
      expect(host.btrfsDevices()).not.toContain(atKill?.loopDevice ?? '(none yet)');

      const second = start();
      const reconcile = await second.waitForEvent('reconcile');
      await second.waitForEvent('agent:ready');
      if (killAfter === 'volume:created') {
        // Reconciliation sees an unattached volume: it attaches it or deletes it.
        expect(reconcile[orphans === 'attach' ? 'attached' : 'deleted']).toEqual([orphanId]);
      }
      if (orphans === 'attach') {
        // Attached by reconciliation, or by the killed agent: either way not yet in btrfs, so added now.
        await second.waitForEvent('stray:adopted', { where: (entry) => entry.volumeId === orphanId });
      } else if (killAfter === 'volume:attached') {
        await second.waitForEvent('stray:released', { where: (entry) => entry.volumeId === orphanId });
      }
      expect(await second.stop('SIGTERM'), second.tail()).toEqual({ code: 0, signal: null });

      const orphan = host.sim.volume(orphanId);
      if (orphans === 'attach') {
        expect(orphan?.state).toBe('in-use');
        expect(host.btrfsDevices()).toContain(orphan?.loopDevice);
      } else {
        expect(orphan === undefined || ['deleting', 'deleted'].includes(orphan.state), JSON.stringify(orphan)).toBe(true);
      }
      expectNothingOrphaned(host);
    },
    240_000,
  );
});
