import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, CommandRunner } from '@ebs-autoscale/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInstance } from '../src/install/agent-units.js';
import { legacyUnitsFor } from '../src/install/legacy-unit.js';
import { UNIT_HEADER } from '../src/systemd/systemd-unit.js';
import { HOST_UNIT_NAME, perMountUnitNameFor } from '../src/systemd/unit-names.js';

/** Records commands and answers each with success, or fails the one named: systemctl without a host to change. */
class Recorder implements CommandRunner {
  readonly calls: string[][] = [];
  constructor(private readonly failing?: string) {}
  run(command: string, args: readonly string[], options?: { allowFailure?: boolean }): Promise<CommandResult> {
    this.calls.push([command, ...args]);
    if (this.failing !== undefined && args.join(' ') === this.failing && !options?.allowFailure)
      return Promise.reject(new Error(`systemctl ${this.failing} failed`));
    return Promise.resolve({ command, args, exitCode: 0, stdout: '', stderr: '' });
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ebs-autoscale-legacy-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('legacyUnitsFor', () => {
  it('finds the per-host and the per-mount-point units of earlier versions for this mount point', async () => {
    await writeFile(join(dir, HOST_UNIT_NAME), `${UNIT_HEADER}\n[Unit]\nRequiresMountsFor="/my data/100%%"\n`);
    await writeFile(join(dir, perMountUnitNameFor('/my data/100%')), `${UNIT_HEADER}\n[Unit]\nRequiresMountsFor="/my data/100%%"\n`);
    expect(await legacyUnitsFor(dir, '/my data/100%')).toEqual([perMountUnitNameFor('/my data/100%'), HOST_UNIT_NAME]);
    expect(perMountUnitNameFor('/my data/100%')).toBe('ebs-autoscale-my\\x20data-100\\x25.service');
  });

  it('leaves alone one for another mount point, one someone else wrote, and none at all', async () => {
    expect(await legacyUnitsFor(dir, '/scratch')).toEqual([]);
    await writeFile(join(dir, HOST_UNIT_NAME), `${UNIT_HEADER}\n[Unit]\nRequiresMountsFor=/other\n`);
    await writeFile(join(dir, perMountUnitNameFor('/scratch')), '[Unit]\nRequiresMountsFor=/scratch\n');
    expect(await legacyUnitsFor(dir, '/scratch')).toEqual([]);
  });
});

describe('startInstance, retiring the units of earlier versions', () => {
  const old = perMountUnitNameFor('/scratch');
  beforeEach(async () => {
    await writeFile(join(dir, old), `${UNIT_HEADER}\n[Unit]\nRequiresMountsFor=/scratch\n`);
  });

  it('stops the old unit, starts the instance, and only then removes the old file', async () => {
    const runner = new Recorder();
    const changed = await startInstance(runner, dir, 'ebs-autoscale@scratch.service', [old]);
    expect(runner.calls).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'disable', '--now', old],
      ['systemctl', 'enable', '--now', 'ebs-autoscale@scratch.service'],
      ['systemctl', 'daemon-reload'],
    ]);
    expect(existsSync(join(dir, old))).toBe(false);
    expect(changed.join('\n')).toContain(`retired ${join(dir, old)}`);
  });

  it('starts the old unit again when the instance does not start: the host keeps its agent', async () => {
    const runner = new Recorder('enable --now ebs-autoscale@scratch.service');
    await expect(startInstance(runner, dir, 'ebs-autoscale@scratch.service', [old])).rejects.toThrow(/failed/);
    expect(runner.calls.slice(-1)).toEqual([['systemctl', 'enable', '--now', old]]);
    expect(existsSync(join(dir, old))).toBe(true);
  });

  it('leaves a running old agent alone when it cannot be stopped', async () => {
    const runner = new Recorder(`disable --now ${old}`);
    await expect(startInstance(runner, dir, 'ebs-autoscale@scratch.service', [old])).rejects.toThrow(/failed/);
    expect(runner.calls.map((call) => call.join(' '))).not.toContain('systemctl enable --now ebs-autoscale@scratch.service');
    expect(existsSync(join(dir, old))).toBe(true);
  });
});
