import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ManualClock } from '@ebs-autoscale/core/testing';
import { afterEach, beforeEach } from 'vitest';
import type { Ec2Simulator, Ec2SimulatorOptions } from '../src/index.js';
import { startTestSim } from './helpers.js';

/** The simulator a test runs against, with its client and clock. */
export interface SimFixture {
  readonly sim: Ec2Simulator;
  readonly ec2: EC2Client;
  readonly clock: ManualClock;
  /**
   * Closes this test's simulator and starts another with `options` (e.g. other latencies, no
   * throttling); the fixture owns the new one and closes it after the test like the first.
   */
  restart(options?: Ec2SimulatorOptions): Promise<void>;
}

/**
 * Owns one simulator per test of the calling file: starts it (zero latencies, a ManualClock, a
 * client that does not retry) before each test and closes it after, also when the test replaced
 * it mid-way with {@link SimFixture.restart}. Read `sim`, `ec2` and `clock` inside a test, not at
 * module level: they change per test.
 */
export function useTestSim(options: Ec2SimulatorOptions = {}): SimFixture {
  let current: Awaited<ReturnType<typeof startTestSim>> | undefined;
  const close = async () => {
    const closing = current;
    current = undefined;
    closing?.ec2.destroy();
    await closing?.sim.close();
  };
  const active = () => {
    if (!current) throw new Error('No simulator is running: use the fixture inside a test, not at module level.');
    return current;
  };
  beforeEach(async () => {
    current = await startTestSim(options);
  });
  afterEach(close);
  return {
    get sim() {
      return active().sim;
    },
    get ec2() {
      return active().ec2;
    },
    get clock() {
      return active().clock;
    },
    async restart(overrides = {}) {
      await close();
      current = await startTestSim(overrides);
    },
  };
}
