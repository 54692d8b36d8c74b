import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIB } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { importImage, runToCompletion } from '../../reclaimer-docker/test/support/images.js';
import { startTestDockerd, type TestDockerd } from '../../reclaimer-docker/test/support/test-dockerd.js';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { callReservationApi } from '../src/reservations/api-client.js';
import { reservationSocketPath } from '../src/reservations/api-socket.js';
import { AgentProcess } from './helpers/agent-process.js';
import { SimHost, smallConfig } from './helpers/sim-host.js';
import { tearDown } from './helpers/tear-down.js';

const missing = await missingPrerequisites();
const probe = missing.length === 0 ? await startTestDockerd({ sizeMiB: 16 }) : undefined;
if (probe?.ok) await probe.daemon.stop();
const reasons = [...missing, ...(probe && !probe.ok ? [probe.reason] : [])];
const canRun = reasons.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the Docker churn scenario: ${reasons.join('; ')}`);

// Issue 16's seed scenario, on one host: dockerd's data root on the agent's btrfs mount (the
// simulator's loop devices, 128 MiB per simulated GiB), and short jobs, each from an image of its own,
// that write into their layers, as hundreds of quick Batch jobs do on one big host.
const JOBS = 24;
const IMAGE_KIB = 8 * 1024;
const WRITE_MIB = 8;

describe.skipIf(!canRun)('Docker image churn on an autoscaled btrfs (root, loop devices, dockerd)', () => {
  let host: SimHost | undefined;
  let daemon: TestDockerd | undefined;
  const agents: AgentProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    await tearDown({ agents: agents.splice(0), host });
    host = undefined;
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  /** One host's run: the agent, dockerd on its mount, and the jobs one after another. */
  const churn = async (reclaim: boolean) => {
    const dir = await mkdtemp(join(tmpdir(), 'docker-churn-'));
    dirs.push(dir);
    const socket = join(dir, 'docker.sock');
    // The ECS knobs as a busy Batch host might set them; a short cooldown, since the first round
    // comes before any job has stopped and a 60 s pause would then skip the whole churn.
    const docker = { socket, ecsConfigFile: join(dir, 'no-ecs.config'), ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: '1s', ECS_IMAGE_MINIMUM_CLEANUP_AGE: '0', ECS_NUM_IMAGES_DELETE_PER_CYCLE: 50 };
    host = await SimHost.start({ config: (mountPoint) => smallConfig(mountPoint, reclaim ? { reclaim: { docker, cooldownSeconds: 1 } } : {}) });
    const installed = await host.install();
    expect(installed.code, installed.text).toBe(0);
    const started = await startTestDockerd({ dataRoot: join(host.mountPoint, 'docker'), socketPath: socket });
    if (!started.ok) throw new Error(started.reason);
    daemon = started.daemon;
    const agent = AgentProcess.start(host.runArgv(['--json-logs']));
    agents.push(agent);
    await agent.waitForEvent('agent:ready');
    const exitCodes: number[] = [];
    for (let job = 0; job < JOBS; job += 1) {
      await importImage(daemon.docker, `job-${job}:1`, IMAGE_KIB);
      const id = await runToCompletion(daemon.docker, `job-${job}:1`, WRITE_MIB);
      exitCodes.push((await daemon.docker.getContainer(id).inspect()).State.ExitCode);
    }
    return { agent, bought: host.everOwned().length - 1, exitCodes };
  };

  it('buys fewer volumes with the reclaimer on, with no failed job, and a reserved job never runs out of space', async () => {
    const off = await churn(false);
    expect(off.exitCodes.filter((code) => code !== 0), off.agent.tail()).toEqual([]);
    await daemon!.stop();
    daemon = undefined;
    await tearDown({ agents: agents.splice(0), host });
    host = undefined;

    const on = await churn(true);
    expect(on.exitCodes.filter((code) => code !== 0), on.agent.tail()).toEqual([]);
    expect(on.bought, `${on.bought} volumes bought with the reclaimer, ${off.bought} without`).toBeLessThan(off.bought);

    // A job that announces 300 MiB is granted it before it starts, and its write never meets ENOSPC.
    const granted = await callReservationApi(reservationSocketPath(host!.mountPoint, host!.runDir), 'POST', '/reservations', { size: '300MiB', holder: 'big-job', wait: true });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    const free = await statfs(host!.mountPoint);
    expect(free.bavail * free.bsize).toBeGreaterThanOrEqual(300 * MIB);
    const big = await runToCompletion(daemon!.docker, `job-${JOBS - 1}:1`, 280);
    expect((await daemon!.docker.getContainer(big).inspect()).State.ExitCode, on.agent.tail()).toBe(0);
  }, 600_000);
});
