import { DEFAULT_THROTTLE_LIMITS } from '@ebs-autoscale/ec2-sim';
import { DEFAULT_SCHEDULES, resolveSchedules } from '@ebs-autoscale/provisioner-ebs';
import { describe, expect, it } from 'vitest';
import { fleetConclusions } from '../src/fleet/conclusions.js';
import { startOurs } from '../src/fleet/ours.js';
import { runFleet, type FleetResult } from '../src/fleet/run.js';

const SHORT = resolveSchedules({ apiRetry: { retries: 1, maxDelayMs: 1_000 } });
const run = (agents: number, schedules = DEFAULT_SCHEDULES) => runFleet({ agents, start: (world, agent) => startOurs(world, agent, { schedules }) });
/** The closing paragraph as one line, so a phrase split by the wrap still matches. */
const oneLine = (text: string) => text.replace(/\n/g, ' ');

describe('fleet report conclusions', () => {
  it('state the run’s own figures: the floor, the last agent, failures and calls of each budget', () => {
    const ours = run(600);
    const short = run(600, SHORT);
    expect(short.agentsWithFailures).toBeGreaterThan(0); // otherwise this test would not see the failure branch
    const text = fleetConclusions({
      createVolume: DEFAULT_THROTTLE_LIMITS.createVolume,
      ours: { result: ours, apiRetry: DEFAULT_SCHEDULES.apiRetry },
      previous: { result: short, apiRetry: SHORT.apiRetry },
    });
    const line = oneLine(text);
    // (600 − 100) / 5 per second.
    expect(line).toContain('600 CreateVolume calls at 5 per second after a burst of 100 take at least 100 s');
    expect(line).toContain(`ours gave the last agent capacity ${ours.lastCapacityAt.toFixed(0)} s after the wave started`);
    expect(line).toContain(
      `(1 retries capped at 1 s, ~1 s in all before jitter) ${short.agentsWithFailures} of 600 agents failed a scale-up at least once (${short.failedAttempts.toLocaleString('en-US')} failed scale-ups`,
    );
    expect(line).toContain(`${short.totalCalls.toLocaleString('en-US')} EC2 calls (${(short.totalCalls / ours.totalCalls).toFixed(1)}× ours)`);
    expect(line).toContain('30 retries capped at 60 s, ~24 minutes in all before jitter');
    expect(line).toMatch(
      ours.agentsWithFailures === 0 ? /\(30 retries [^)]*\) no agent failed a scale-up\.$/ : /\(30 retries [^)]*\) \d+ of 600 agents failed/,
    );
    for (const row of text.split('\n')) expect(row.length).toBeLessThanOrEqual(118);
  });

  it('say so when ours leaves agents without capacity or fails, rather than claim it did not', () => {
    const result: FleetResult = { ...run(1), agents: 50, withoutCapacity: 3, agentsWithFailures: 2, failedAttempts: 4, ranOutOfSpace: 7 };
    const line = oneLine(
      fleetConclusions({
        createVolume: DEFAULT_THROTTLE_LIMITS.createVolume,
        ours: { result, apiRetry: DEFAULT_SCHEDULES.apiRetry },
        previous: { result, apiRetry: DEFAULT_SCHEDULES.apiRetry },
      }),
    );
    expect(line).toContain("50 CreateVolume calls fit in its bucket's burst of 100, so EC2's limit sets no floor on this wave");
    expect(line).toContain('ours left 3 agents without capacity at the horizon');
    expect(line).toContain("7 of the 50 agents' disks still filled before ours gave them capacity");
    expect(line).not.toContain('no agent failed');
    expect(() =>
      fleetConclusions({
        createVolume: DEFAULT_THROTTLE_LIMITS.createVolume,
        ours: { result, apiRetry: DEFAULT_SCHEDULES.apiRetry },
        previous: { result: run(2), apiRetry: SHORT.apiRetry },
      }),
    ).toThrow(/one fleet size/);
  });
});
