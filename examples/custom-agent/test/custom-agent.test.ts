import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { GIB, ProvisionerError } from '@ebs-autoscale/core';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '@ebs-autoscale/core/testing';
import { describe, expect, it } from 'vitest';
import { CustomAgent } from '../src/custom-agent.js';

describe('the custom agent example', () => {
  it('pauses jobs while a scale fails and resumes them when it succeeds', async () => {
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB });
    const provisioner = new InMemoryProvisioner({ host, clock });
    const lines: string[] = [];
    const agent = new CustomAgent({ driver, provisioner, clock, notifier: { notify: (line) => lines.push(line) } });
    provisioner.failNext(new ProvisionerError('memory', 'INSUFFICIENT_CAPACITY', 'InsufficientVolumeCapacity', { retryable: true }));
    driver.write(92 * GIB); // above the default policy's 90% threshold
    agent.start();
    await clock.advance(1);
    expect(agent.acceptingJobs).toBe(false);
    expect(lines[0]).toMatch(/scale failed at provision/);
    await clock.advance(10 * 60_000);
    await agent.stop();
    expect(agent.acceptingJobs).toBe(true);
    expect(lines.at(-1)).toMatch(/grew 100 GiB -> 250 GiB/);
  });

  it('runs as a program', () => {
    const out = execFileSync(process.execPath, [join(import.meta.dirname, '..', 'src', 'main.ts')], { encoding: 'utf8' });
    expect(out).toMatch(/after one hour: \d+ volumes added/);
    expect(out).toMatch(/grew/);
  });
});
