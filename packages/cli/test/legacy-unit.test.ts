import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, CommandRunner } from '@ebs-autoscale/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retireLegacyUnit } from '../src/install/legacy-unit.js';
import { UNIT_HEADER, UNIT_NAME } from '../src/systemd/systemd-unit.js';

/** Records commands and answers each with success: systemctl without a host to change. */
class Recorder implements CommandRunner {
  readonly calls: string[][] = [];
  run(command: string, args: readonly string[]): Promise<CommandResult> {
    this.calls.push([command, ...args]);
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

describe('retireLegacyUnit', () => {
  it('stops and removes the one-per-host unit of earlier installs for this mount point', async () => {
    await writeFile(join(dir, UNIT_NAME), `${UNIT_HEADER}\n[Unit]\nRequiresMountsFor="/my data/100%%"\n`);
    const runner = new Recorder();
    expect(await retireLegacyUnit(dir, '/my data/100%', runner)).toContain('the unit of earlier versions');
    expect(runner.calls).toEqual([['systemctl', 'disable', '--now', UNIT_NAME]]);
    expect(existsSync(join(dir, UNIT_NAME))).toBe(false);
  });

  it('leaves alone one for another mount point, one someone else wrote, and none at all', async () => {
    const runner = new Recorder();
    expect(await retireLegacyUnit(dir, '/scratch', runner)).toBeUndefined();
    await writeFile(join(dir, UNIT_NAME), `${UNIT_HEADER}\n[Unit]\nRequiresMountsFor=/other\n`);
    expect(await retireLegacyUnit(dir, '/scratch', runner)).toBeUndefined();
    await writeFile(join(dir, UNIT_NAME), '[Unit]\nRequiresMountsFor=/scratch\n');
    expect(await retireLegacyUnit(dir, '/scratch', runner)).toBeUndefined();
    expect(runner.calls).toEqual([]);
    expect(existsSync(join(dir, UNIT_NAME))).toBe(true);
  });
});
