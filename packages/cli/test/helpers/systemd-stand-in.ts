import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createExecaRunner, type CommandResult, type CommandRunner } from '@ebs-autoscale/core';
import { instanceOfUnitName, mountPointOfInstance } from '../../src/systemd/unit-names.js';
import { AgentProcess } from './agent-process.js';
import { execStartWords, instanceArgv } from './unit-exec.js';

/**
 * What `systemctl` does to the agents, on a host whose systemd is not ours to change: `enable --now
 * <unit>` starts the unit's ExecStart as a child process (an instance's from its drop-in or the
 * template, any other unit's from its file) and returns once the agent is ready; `disable --now` sends
 * it SIGTERM and waits for it to exit, as `systemctl stop` does. Every other command runs for real.
 * Call-recording too: which units were started and stopped is the behaviour under test.
 */
export class SystemdStandIn implements CommandRunner {
  readonly systemctl: string[][] = [];
  readonly running = new Map<string, AgentProcess>();
  /** Every agent it started, stopped ones too, for the test's tear-down. */
  readonly started: AgentProcess[] = [];
  private readonly real = createExecaRunner();

  constructor(private readonly unitDir: string) {}

  async run(command: string, args: readonly string[], options?: Parameters<CommandRunner['run']>[2]): Promise<CommandResult> {
    if (command !== 'systemctl') return this.real.run(command, args, options);
    this.systemctl.push([...args]);
    const [verb, now, unit] = args;
    if (now === '--now' && unit !== undefined && verb === 'disable') await this.stop(unit);
    if (now === '--now' && unit !== undefined && verb === 'enable' && !this.running.get(unit)?.running) await this.start(unit);
    return { command, args, exitCode: 0, stdout: '', stderr: '' };
  }

  /** Starts a unit's agent as systemd would have it running (e.g. the unit of an earlier version). */
  async start(unit: string): Promise<AgentProcess> {
    const instance = instanceOfUnitName(unit);
    const argv =
      instance === undefined
        ? execStartWords(readFileSync(join(this.unitDir, unit), 'utf8')).map((word) => word.replaceAll('%%', '%').replaceAll('$$', '$'))
        : instanceArgv(this.unitDir, mountPointOfInstance(instance));
    const agent = AgentProcess.start(argv);
    this.started.push(agent);
    this.running.set(unit, agent);
    await agent.waitForEvent('agent:ready');
    return agent;
  }

  private async stop(unit: string): Promise<void> {
    const agent = this.running.get(unit);
    this.running.delete(unit);
    if (agent?.running) {
      const exit = await agent.stop('SIGTERM');
      if (exit.code !== 0) throw new Error(`${unit} exited with ${JSON.stringify(exit)} on SIGTERM:\n${agent.tail()}`);
    }
  }
}
