import type { CommandRunner } from '@ebs-autoscale/core';
import { describe, expect, it } from 'vitest';
import { parseBaselineOutput } from '../src/overhead/baseline-loop.js';
import { CountingRunner } from '../src/real/counting-runner.js';
import { processTree, readCpu, readStatusBytes } from '../src/real/proc.js';

describe('parseBaselineOutput', () => {
  it("reads bash's `times` (shell, then children) and the last PID", () => {
    const result = parseBaselineOutput('LOW DISK\nTIMES\n0m0.007s 0m0.012s\n1m2.500s 0m0.250s\nLASTPID 1085\n');
    expect(result.selfSeconds).toBeCloseTo(0.019, 6);
    expect(result.childrenSeconds).toBeCloseTo(62.75, 6);
    expect(result.lastPid).toBe(1085);
  });

  it('refuses output without the report', () => {
    expect(() => parseBaselineOutput('TIMES 0m0.000s 0m0.000s 0m0.000s 0m0.000s\nLASTPID 5\n')).toThrow(/unexpected output/);
  });
});

describe('CountingRunner', () => {
  it('counts every command by name before delegating', async () => {
    const inner: CommandRunner = { run: async (command, args) => ({ command, args, exitCode: 0, stdout: '', stderr: '' }) };
    const runner = new CountingRunner(inner);
    await runner.run('btrfs', ['device', 'add']);
    await runner.run('btrfs', ['filesystem', 'show']);
    await runner.run('mount', []);
    expect(runner.total).toBe(3);
    expect(Object.fromEntries(runner.byCommand)).toEqual({ btrfs: 2, mount: 1 });
  });
});

describe.skipIf(process.platform !== 'linux')('/proc readers', () => {
  it('read this process', () => {
    expect(readCpu(process.pid)!.self).toBeGreaterThanOrEqual(0);
    expect(readStatusBytes(process.pid, 'VmHWM')!).toBeGreaterThan(1024 * 1024);
    expect(processTree(process.pid)[0]).toBe(process.pid);
    expect(readCpu(2 ** 22 + 1)).toBeUndefined();
  });
});
