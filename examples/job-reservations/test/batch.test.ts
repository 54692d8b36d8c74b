import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GIB } from '@ebs-autoscale/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScript, serveAgent } from './served-agent.js';

// The Batch wrapper as the container runs it (bash and curl, the socket at EBS_AUTOSCALE_SOCKET),
// here on the host against the agent's real API.
const WRAPPER = join(import.meta.dirname, '..', 'batch', 'reserve-and-run.sh');
const curl = spawnSync('curl', ['--version']).status === 0;
if (!curl) console.warn('[ebs-autoscale/example-job-reservations] SKIPPING the Batch wrapper: it needs curl (scripts/bootstrap.sh installs it)');

describe.skipIf(!curl)('the AWS Batch job wrapper', () => {
  let agent: Awaited<ReturnType<typeof serveAgent>>;
  beforeEach(async () => void (agent = await serveAgent()));
  afterEach(() => agent.close());

  const run = (size: string, job: string, env: Record<string, string> = {}) =>
    runScript('bash', [WRAPPER, size, '--', 'bash', '-c', job], {
      env: { ...process.env, EBS_AUTOSCALE_SOCKET: agent.socketPath, AWS_BATCH_JOB_ID: 'job-7', ...env },
    });

  it('holds a granted reservation while the job runs, and releases it after', async () => {
    const seen = join(agent.runDir, 'seen.json');
    const result = await run('20GiB', `curl -s --unix-socket "$EBS_AUTOSCALE_SOCKET" http://agent/reservations > ${seen}`);
    expect(result.stderr).toMatch(/reserved 20GiB as /);
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(seen, 'utf8')).reservations).toEqual([expect.objectContaining({ holder: 'job-7', bytes: 20 * GIB, state: 'granted' })]);
    expect(await agent.reservations()).toEqual([]);
  });

  it("exits with the job's exit code, and releases the reservation anyway", async () => {
    expect((await run('1GiB', 'exit 3')).status).toBe(3);
    expect(await agent.reservations()).toEqual([]);
  });

  it('does not start the job when the reservation is refused, and says why', async () => {
    const marker = join(agent.runDir, 'ran');
    const result = await run('4000TiB', `touch ${marker}`);
    expect(result.status).toBe(75);
    expect(result.stderr).toMatch(/refused the reservation of 4000TiB \(507\).*LIMIT_REACHED/);
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps a hostile job id out of the JSON it sends', async () => {
    const seen = join(agent.runDir, 'seen.json');
    expect(
      (await run('1GiB', `curl -s --unix-socket "$EBS_AUTOSCALE_SOCKET" http://agent/reservations > ${seen}`, { AWS_BATCH_JOB_ID: 'x","bytes":1,"y":"\\' }))
        .status,
    ).toBe(0);
    expect(JSON.parse(readFileSync(seen, 'utf8')).reservations[0]).toMatchObject({ holder: 'x","bytes":1,"y":"\\', bytes: GIB });
  });

  it('is a valid job definition that mounts the socket directory and runs the wrapper', () => {
    const definition = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'batch', 'job-definition.json'), 'utf8'));
    const props = definition.containerProperties;
    const socket = props.environment.find((e: { name: string }) => e.name === 'EBS_AUTOSCALE_SOCKET').value as string;
    const mounted = props.mountPoints.find((m: { containerPath: string }) => socket.startsWith(`${m.containerPath}/`));
    expect(props.volumes.find((v: { name: string }) => v.name === mounted.sourceVolume).host.sourcePath).toBe('/run/ebs-autoscale/api');
    expect(props.command[0]).toBe('/opt/ebs-autoscale-jobs/reserve-and-run.sh');
    execFileSync('bash', ['-n', WRAPPER]);
  });
});
