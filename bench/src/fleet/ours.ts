import { backoffDelay } from '@ebs-autoscale/core';
import { callWithRetry, type AgentRecord, type RetryPolicy, type World } from './world.js';

/** Throttled calls are retried until they pass, full jitter, capped at 20 s (the AWS SDKs' cap). */
export const PERSISTENT_RETRY: RetryPolicy = (failed, random) => random() * Math.min(20, 0.5 * 2 ** failed);
/** The SDK's standard mode: 3 attempts, full jitter, then the provisioner gives up and cleans up. */
export const STANDARD_RETRY: RetryPolicy = (failed, random) => (failed < 3 ? random() * Math.min(20, 2 ** failed) : undefined);

/**
 * Our agent's path: CreateVolume with TagSpecifications (no CreateTags), DescribeVolumes until
 * `available` with exponential backoff and full jitter (1 s doubling, 8 s cap), AttachVolume,
 * DescribeVolumes until `attached`, the device appearing, ModifyInstanceAttribute
 * (DeleteOnTermination), the filesystem add. A failed provision deletes what it created and the
 * autoscaler retries after core's `backoffDelay` (5 s doubling, ±20%), at its next 2 s sample.
 */
export function startOurs(world: World, agent: AgentRecord, retry: RetryPolicy): void {
  const { queue, latencies, random } = world;
  const fail = (created: boolean) => {
    const retryAfter = () => {
      agent.failedAttempts += 1;
      const delay = backoffDelay(agent.failedAttempts, { random }) / 1000 + 2 * random();
      queue.after(delay, attempt);
    };
    if (created) callWithRetry(world, 'DeleteVolume', PERSISTENT_RETRY, retryAfter, retryAfter);
    else retryAfter();
  };
  const poll = (readyAt: number, next: () => void, k = 0) => {
    queue.after(random() * Math.min(8, 2 ** k), () => {
      const answered = world.account.call('DescribeVolumes', queue.now);
      queue.after(latencies.api(random), () => (answered && queue.now >= readyAt ? next() : poll(readyAt, next, k + 1)));
    });
  };
  const attempt = () =>
    callWithRetry(
      world,
      'CreateVolume',
      retry,
      () =>
        poll(queue.now + latencies.create(random), () =>
          callWithRetry(
            world,
            'AttachVolume',
            retry,
            () =>
              poll(queue.now + latencies.attach(random), () =>
                queue.after(latencies.deviceVisible(random), () =>
                  callWithRetry(
                    world,
                    'ModifyInstanceAttribute',
                    retry,
                    () => queue.after(latencies.fsAdd(random), () => (agent.doneAt = queue.now)),
                    () => fail(true),
                  ),
                ),
              ),
            () => fail(true),
          ),
        ),
      () => fail(false),
    );
  // The autoscaler notices the crossing at its next 2 s sample.
  queue.after(2 * random(), attempt);
}
