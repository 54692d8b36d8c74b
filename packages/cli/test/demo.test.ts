import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { runDemo } from '../src/demo/run-demo.js';
import { createAgentLogger } from '../src/observe/logger.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the end-to-end demo test: ${missing.join('; ')}`);

describe.skipIf(!canRun)('demo end to end (root, loop devices, btrfs)', () => {
  it('scales up at least once with no out-of-space error, and leaves no loop device or mount behind', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, callback) => (lines.push(chunk.toString()), callback()) });
    const logger = createAgentLogger({ level: 'info', destination: sink, human: false });
    const summary = await runDemo({ rateMiBps: 25, durationSeconds: 8, initialSizeGiB: 2, latencies: 'zero', logger });
    const log = lines.join('');
    expect(summary.volumesAdded, log).toBeGreaterThanOrEqual(1);
    expect(summary.fill.outOfSpaceErrors, log).toBe(0);
    expect(summary.fill.otherErrors, log).toBe(0);
    expect(summary.fill.writtenBytes).toBeGreaterThan(0);
    expect(log).toContain('"event":"scale:complete"');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(summary.mountPoint);
    expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(summary.stateDir);
  });
});
