import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { DEMO_DEFAULTS } from '../src/demo/demo-config.js';
import type { DemoEvent } from '../src/demo/demo-timeline.js';
import { formatDemoSummary, runDemo } from '../src/demo/run-demo.js';
import { expectNoLoopDeviceOver } from './helpers/tear-down.js';
import { createAgentLogger } from '../src/observe/logger.js';

const missing = await missingPrerequisites();
const canRun = missing.length === 0;
if (!canRun) console.warn(`[ebs-autoscale/cli] SKIPPING the end-to-end demo test: ${missing.join('; ')}`);

describe.skipIf(!canRun)('demo end to end (root, loop devices, btrfs)', () => {
  it('with the default sizes, rate and latencies: scales up with no out-of-space error, counts right, leaves nothing behind', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, callback) => (lines.push(chunk.toString()), callback()) });
    const logger = createAgentLogger({ level: 'info', destination: sink, human: false });
    const shown: DemoEvent[] = [];
    // The defaults of `ebs-autoscale demo`, only shorter: the first scale-up comes within a few seconds.
    const summary = await runDemo({ durationSeconds: 10, logger, onEvent: (event) => shown.push(event) });
    const log = lines.join('');
    expect(summary.volumesAdded, log).toBeGreaterThanOrEqual(1);
    expect(summary.fill.outOfSpaceErrors, log).toBe(0);
    expect(summary.fill.otherErrors, log).toBe(0);
    expect(summary.fill.writtenBytes).toBeGreaterThan(0);
    // The count agrees with what the agent owns (the initial volume is one of them) and with its log.
    expect(summary.ownedVolumes, log).toBe(summary.initialVolumes + summary.volumesAdded);
    expect(log.split('"event":"scale:complete"').length - 1).toBe(summary.volumesAdded);
    expect(summary.finalTotalBytes).toBeGreaterThan(DEMO_DEFAULTS.initialSizeGiB * DEMO_DEFAULTS.bytesPerGiB);
    expect(shown.filter((event) => event.text.includes('done in'))).toHaveLength(summary.volumesAdded);
    expect(formatDemoSummary(summary)).toContain(`initial volume + ${summary.volumesAdded} added`);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(summary.mountPoint);
    await expectNoLoopDeviceOver(summary.stateDir);
    expect(existsSync(dirname(summary.mountPoint))).toBe(false);
  });
});
