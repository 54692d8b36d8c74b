import { ProvisionerError, sleep, type Clock } from '@ebs-autoscale/core';
import { scheduleDelay, type WaitSchedule } from './schedules.js';

/**
 * Calls `check` until it returns a value (not `undefined`), sleeping on `schedule` between calls. Throws
 * `TIMEOUT` naming `what` when `schedule.timeoutMs` passes. `check` may throw to stop early.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { clock: Clock; schedule: WaitSchedule; random: () => number; signal?: AbortSignal; volumeId?: string; skipFirstDelay?: boolean },
): Promise<T> {
  const { clock, schedule } = options;
  const deadline = clock.now() + schedule.timeoutMs;
  for (let n = 1; ; n += 1) {
    if (n > 1 || !options.skipFirstDelay) await sleep(clock, scheduleDelay(schedule, n, options.random), options.signal);
    const value = await check();
    if (value !== undefined) return value;
    if (clock.now() >= deadline) {
      throw new ProvisionerError('ebs', 'TIMEOUT', `Gave up waiting for ${what} after ${Math.round(schedule.timeoutMs / 1000)} s.`, {
        retryable: true,
        ...(options.volumeId ? { volumeId: options.volumeId } : {}),
        hint: 'EC2 may be degraded; check the volume in the console. The agent cleans up and retries later.',
      });
    }
  }
}
