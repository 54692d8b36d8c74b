// Issue 12, item 8: a read-only remount under a running agent is noticed at the next sample, with a
// warning in the log and a line in `status`, and the agent carries on once it is writable again.
// The agent is a child process on a real btrfs over the simulator's loop devices.
import { createExecaRunner } from '@ebs-autoscale/core';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { statusCommand } from '../src/cli/status-command.js';
import { AgentProcess } from './helpers/agent-process.js';
import { capture, SimHost } from './helpers/sim-host.js';
import { tearDown } from './helpers/tear-down.js';

const missing = await missingPrerequisites();
if (missing.length > 0) console.warn(`[ebs-autoscale/cli] SKIPPING the read-only remount test: ${missing.join('; ')}`);
const runner = createExecaRunner();
/** pino's number for `warn`. */
const WARN = 40;

async function status(host: SimHost, json: boolean): Promise<string> {
  const out = capture();
  expect(await statusCommand(['--config', host.configPath, '--run-dir', host.runDir, ...(json ? ['--json'] : [])], out.io), out.text()).toBe(0);
  return out.text();
}

describe.skipIf(missing.length > 0)('`run` on a mount remounted read-only (root, loop devices, btrfs)', () => {
  let host: SimHost | undefined;
  let agent: AgentProcess | undefined;
  afterEach(async () => {
    await tearDown({ agents: [agent], host });
    [host, agent] = [undefined, undefined];
  });

  it('warns at the next sample, shows READ-ONLY in status, and says so again when it is writable', async () => {
    host = await SimHost.start();
    const installed = await host.install();
    expect(installed.code, installed.text).toBe(0);
    agent = AgentProcess.start(host.runArgv(['--json-logs']));
    await agent.waitForEvent('agent:ready');
    expect(JSON.parse(await status(host, true)).status.readOnly).toBe(false);

    await runner.run('mount', ['-o', 'remount,ro', host.mountPoint]);
    // The sample interval is 0.5 s (smallConfig): a generous bound, not a measurement.
    const warned = await agent.waitForEvent('mount:read-only', { timeoutMs: 10_000 });
    expect(warned.level).toBe(WARN);
    expect(String(warned.msg)).toContain(`${host.mountPoint} is mounted read-only`);
    const from = agent.entries.length;
    await expect.poll(async () => JSON.parse(await status(host!, true)).status.readOnly, { timeout: 10_000 }).toBe(true);
    expect(await status(host, false)).toContain(`READ-ONLY: ${host.mountPoint} is mounted read-only`);

    await runner.run('mount', ['-o', 'remount,rw', host.mountPoint]);
    await agent.waitForEvent('mount:writable', { timeoutMs: 10_000, from });
    await expect.poll(async () => JSON.parse(await status(host!, true)).status.readOnly, { timeout: 10_000 }).toBe(false);
    expect(await status(host, false)).not.toContain('READ-ONLY');
    // Once: the warning is not repeated on every sample while it lasted.
    expect(agent.entries.filter((entry) => entry.event === 'mount:read-only')).toHaveLength(1);
    expect(await agent.stop('SIGTERM'), agent.tail()).toEqual({ code: 0, signal: null });
  }, 180_000);
});
