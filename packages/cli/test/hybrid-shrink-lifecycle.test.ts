import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIB } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { statusCommand } from '../src/cli/status-command.js';
import { Filler } from '../src/demo/filler.js';
import { AgentProcess } from './helpers/agent-process.js';
import { freePort, sampleValue, scrape, type PromSample } from './helpers/prometheus.js';
import { capture, SimHost, smallConfig, TEST_LATENCIES } from './helpers/sim-host.js';
import { tearDown } from './helpers/tear-down.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the hybrid-growth and shrink lifecycle through \`run\`: ${missing.join('; ')}`);

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const totalBytes = async (mountPoint: string) => {
  const s = await statfs(mountPoint);
  return s.blocks * s.bsize;
};

/** What `ebs-autoscale status` prints for the host, once it matches: the agent rewrites its status file on every event. */
async function statusShows(host: SimHost, pattern: RegExp): Promise<string> {
  let text = '';
  await vi.waitFor(
    async () => {
      const out = capture();
      expect(await statusCommand(['--config', host.configPath, '--run-dir', host.runDir], out.io), out.text()).toBe(0);
      text = out.text();
      expect(text).toMatch(pattern);
    },
    { timeout: 30_000, interval: 250 },
  );
  return text;
}

/** The agent's metrics, once `check` holds of them. */
async function metricsShow(port: number, check: (samples: PromSample[]) => void): Promise<PromSample[]> {
  let samples: PromSample[] = [];
  await vi.waitFor(
    async () => {
      samples = await scrape(port);
      check(samples);
    },
    { timeout: 30_000, interval: 250 },
  );
  return samples;
}

// Issue 17 through the real agent: `ebs-autoscale run` as a child process on the simulator's loop
// devices with real btrfs, configured by the v1 file's `growth` and `shrink` sections.
describe.skipIf(!canRun)('hybrid growth and shrink through `run` (root, loop devices, btrfs)', () => {
  let host: SimHost | undefined;
  let filler: Filler | undefined;
  const agents: AgentProcess[] = [];
  afterEach(async () => {
    await tearDown({ filler, agents: agents.splice(0), host });
    [host, filler] = [undefined, undefined];
  });

  /** Installs (one 2 GiB volume), writes a checksummed file, and starts the agent. */
  const setUp = async (extra: Record<string, unknown>) => {
    // maxVolumeGiB 16: room for the initial volume to grow in place.
    // ModifyVolume at a fraction of EC2's seconds, as TEST_LATENCIES does for the rest: with the simulator's
    // default (2–6 s to `optimizing`) a growth in place took 9.4 s here against 2.2 s for an added device.
    const latencies = {
      ...TEST_LATENCIES,
      modify: { kind: 'uniform', minMs: 300, maxMs: 900 },
      optimize: { kind: 'uniform', minMs: 500, maxMs: 1500 },
    } as const;
    const metricsPort = await freePort();
    host = await SimHost.start({
      latencies,
      config: (mountPoint) =>
        smallConfig(mountPoint, {
          limits: { minVolumeGiB: 2, maxVolumeGiB: 16, maxTotalCreatedGiB: 50, maxAttachedVolumes: 8 },
          metrics: { port: metricsPort },
          ...extra,
        }),
    });
    const installed = await host.install();
    expect(installed.code, installed.text).toBe(0);
    const [initial] = host.owned();
    expect(host.owned()).toHaveLength(1);
    const keep = join(host.mountPoint, 'keep.bin');
    await writeFile(keep, randomBytes(8 * MIB));
    const checksum = await sha256(keep);
    const agent = AgentProcess.start(host.runArgv(['--json-logs']));
    agents.push(agent);
    await agent.waitForEvent('agent:ready');
    return { agent, initial: initial!, keep, checksum, metricsPort };
  };

  it('with growth.hybrid, a fill grows the one volume in place: larger, no second volume, the btrfs larger, the file intact', async () => {
    const { agent, initial, keep, checksum, metricsPort } = await setUp({ growth: { hybrid: true } });
    const before = await totalBytes(host!.mountPoint);
    filler = new Filler(host!.mountPoint, 8 * MIB);
    filler.start();
    const complete = await agent.waitForEvent('scale:complete', { timeoutMs: 90_000 });
    await filler.stop();
    expect(complete.volumeId, agent.tail()).toBe(initial.volumeId);
    expect(host!.owned().map((v) => v.volumeId)).toEqual([initial.volumeId]);
    expect(host!.everOwned()).toHaveLength(1);
    expect(host!.owned()[0]!.sizeGiB).toBeGreaterThan(initial.sizeGiB);
    expect(host!.btrfsDevices()).toHaveLength(1);
    expect(await totalBytes(host!.mountPoint)).toBeGreaterThan(before);
    expect(filler.stats.outOfSpaceErrors).toBe(0);
    expect(await sha256(keep)).toBe(checksum);
    expect(agent.entries.some((e) => e.event === 'volume:provisioned')).toBe(false);
    // status counts the growth in place and what is left of the volume's modification budget.
    const shown = await statusShows(host!, new RegExp(`Growth: hybrid · [1-4] in place[^]*${initial.volumeId}\\s+[1-4]\\s+[0-3] of 4`));
    // The metrics say the same: growths by method, and the budget left of the one volume.
    const inPlace = Number(/Growth: hybrid · (\d) in place/.exec(shown)![1]);
    await metricsShow(metricsPort, (samples) => {
      expect(sampleValue(samples, 'ebs_autoscale_growths_total', { method: 'in-place' })).toBe(inPlace);
      expect(sampleValue(samples, 'ebs_autoscale_growths_total', { method: 'added-device' })).toBe(0);
      expect(sampleValue(samples, 'ebs_autoscale_modifications_left', { volume_id: initial.volumeId })).toBe(4 - inPlace);
      expect(sampleValue(samples, 'ebs_autoscale_shrinks_total', { outcome: 'released' })).toBe(0);
    });
    expect(await agent.stop('SIGTERM'), agent.tail()).toEqual({ code: 0, signal: null });
  }, 240_000);

  it('with shrink, once the data is deleted the agent removes the added device and releases its volume; the initial one stays, the file intact', async () => {
    const { agent, initial, keep, checksum, metricsPort } = await setUp({ shrink: { quietPeriodSeconds: 3, highWaterFreePercent: 50, minFreeGiB: 0 } });
    const fill = join(host!.mountPoint, 'fill');
    await mkdir(fill);
    filler = new Filler(fill, 16 * MIB);
    filler.start();
    const added = await agent.waitForEvent('scale:complete', { timeoutMs: 90_000 });
    await filler.stop();
    expect(added.volumeId).not.toBe(initial.volumeId);
    expect(host!.owned().length).toBeGreaterThanOrEqual(2);
    await rm(fill, { recursive: true });

    // One device at a time, each after its own quiet period, until only the initial one is left.
    let from = 0;
    while (host!.btrfsDevices().length > 1) {
      const removed = await agent.waitForEvent('volume:removed', { from, timeoutMs: 90_000 });
      expect(removed.outcome, agent.tail()).toBe('released');
      expect(removed.volumeId).not.toBe(initial.volumeId);
      from = agent.entries.indexOf(removed) + 1;
    }
    await host!.sim.settled();
    expect(host!.owned().map((v) => v.volumeId)).toEqual([initial.volumeId]);
    // Every added volume is gone from EC2 (deleted, not merely detached): none leaked.
    for (const volume of host!.everOwned().filter((v) => v.volumeId !== initial.volumeId))
      expect(['deleting', 'deleted'], volume.volumeId).toContain(volume.state);
    expect(await sha256(keep)).toBe(checksum);
    const shown = await statusShows(host!, /Growth: add-device · 0 in place · shrinks: [1-9]\d* released, 0 kept/);
    const released = Number(/shrinks: (\d+) released/.exec(shown)![1]);
    await metricsShow(metricsPort, (samples) => {
      expect(sampleValue(samples, 'ebs_autoscale_shrinks_total', { outcome: 'released' })).toBe(released);
      expect(sampleValue(samples, 'ebs_autoscale_shrinks_total', { outcome: 'kept' })).toBe(0);
      expect(sampleValue(samples, 'ebs_autoscale_growths_total', { method: 'added-device' })).toBeGreaterThanOrEqual(released);
      expect(sampleValue(samples, 'ebs_autoscale_growths_total', { method: 'in-place' })).toBe(0);
    });
    expect(
      agent.entries.some((e) => e.event === 'error'),
      agent.tail(),
    ).toBe(false);
    expect(await agent.stop('SIGTERM'), agent.tail()).toEqual({ code: 0, signal: null });
  }, 240_000);
});
