import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GIB } from '@ebs-autoscale/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScript, serveAgent, until } from './served-agent.js';

// The beforeScript/afterScript pair as Nextflow runs them: from the task's shell (.command.run) in the
// task's work directory, with `ebs-autoscale` on PATH (here the CLI from its sources).
const NEXTFLOW = join(import.meta.dirname, '..', 'nextflow');
const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('the Nextflow beforeScript/afterScript pair', () => {
  let agent: Awaited<ReturnType<typeof serveAgent>>;
  let env: NodeJS.ProcessEnv;
  let workDir: string;
  beforeEach(async () => {
    agent = await serveAgent();
    const bin = join(agent.runDir, 'bin');
    mkdirSync(bin);
    const nodeOptions = `--experimental-transform-types --no-warnings --conditions=source --import=${join(repo, 'scripts/resolve-ts.mjs')}`;
    writeFileSync(
      join(bin, 'ebs-autoscale'),
      `#!/bin/sh\nNODE_OPTIONS='${nodeOptions}' exec '${process.execPath}' '${join(repo, 'packages/cli/test/fixtures/ebs-autoscale-source.ts')}' "$@"\n`,
    );
    chmodSync(join(bin, 'ebs-autoscale'), 0o755);
    workDir = join(agent.runDir, 'work', 'ab', 'cdef0123');
    mkdirSync(workDir, { recursive: true });
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, EBS_AUTOSCALE_SOCKET: agent.socketPath };
  });
  afterEach(() => agent.close());

  it('reserves before the task and releases after it', async () => {
    const task = await runScript(
      'bash',
      [
        '-c',
        `bash ${NEXTFLOW}/before.sh 3GiB && curl -s --unix-socket "$EBS_AUTOSCALE_SOCKET" http://agent/reservations > during.json && bash ${NEXTFLOW}/after.sh`,
      ],
      { cwd: workDir, env },
    );
    expect(task.stderr).toMatch(/3 GiB for nextflow-cdef0123: granted/);
    expect(task.status).toBe(0);
    expect(JSON.parse(readFileSync(join(workDir, 'during.json'), 'utf8')).reservations).toEqual([
      expect.objectContaining({ holder: 'nextflow-cdef0123', bytes: 3 * GIB }),
    ]);
    expect(existsSync(join(workDir, '.ebs-autoscale-reservation'))).toBe(false);
    expect(await agent.reservations()).toEqual([]);
  });

  it("frees the reservation when the task's shell dies before afterScript runs", async () => {
    const task = spawn('bash', ['-c', `bash ${NEXTFLOW}/before.sh 2GiB && exec sleep 3600`], { cwd: workDir, env, stdio: 'ignore' });
    await until(async () => (await agent.reservations()).length === 1, 'the task reserved');
    task.kill('SIGKILL');
    await until(async () => (await agent.reservations()).length === 0, 'the reservation freed with the task');
  });

  it('fails the task when the reservation is refused', async () => {
    const task = await runScript('bash', ['-c', `bash ${NEXTFLOW}/before.sh 4000TiB && touch ran`], { cwd: workDir, env });
    expect(task.status).not.toBe(0);
    expect(task.stderr).toMatch(/LIMIT_REACHED|cannot|limit/i);
    expect(existsSync(join(workDir, 'ran'))).toBe(false);
  });
});
