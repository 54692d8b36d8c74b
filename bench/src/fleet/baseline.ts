import { calcThreshold } from '../policy/baseline-agent.js';
import { logNormal } from '../sim/random.js';
import type { FleetAction } from './account.js';
import { callWithRetry, type AgentRecord, type RetryPolicy, type World } from './world.js';

/**
 * The AWS CLI's legacy retry mode: 5 attempts, the n-th retry after rand × 2^(n−1) s (botocore's
 * `_retry.json`: base "rand", growth factor 2; RequestLimitExceeded is retried for EC2). The scripts
 * set no retry mode, so this is the CLI v1 default; CLI v2 defaults to "standard" (3 attempts).
 */
export const LEGACY_CLI_RETRY: RetryPolicy = (failed, random) => (failed < 5 ? random() * 2 ** (failed - 1) : undefined);
/** CLI v2's default "standard" mode: 3 attempts, rand × min(20, 2^n) s. */
export const STANDARD_CLI_RETRY: RetryPolicy = (failed, random) => (failed < 3 ? random() * Math.min(20, 2 ** failed) : undefined);

/** A CLI process starting before its first request (Python, the service model): assumed median 0.7 s, p99 1.8 s. */
const cliStartup = logNormal(0.7, 1.8);

/**
 * amazon-ebs-autoscale's call pattern for one scale-up, from bin/ebs-autoscale and
 * bin/create-ebs-volume. What a throttled call does there follows the shell, not the intent:
 * - `get_num_devices` retries its describe-volumes up to 6 times, sleeping 2^i + RANDOM%3 s;
 * - in create-ebs-volume, `set -e` is on and `x=$(aws …)` fails the script at once, so the retry
 *   loops around the three describe-volumes never retry; `local volume=$(aws ec2 create-volume …)`
 *   masks the exit status, so a throttled create-volume ends the script ("could not create volume");
 * - the volume-available waiter is tried 3 times; a throttled describe inside it ends that try; after
 *   3 failed tries the script attaches anyway;
 * - a failed attach-volume deletes the volume and fails; a failed modify-instance-attribute fails the
 *   script after the volume is attached: ebs-autoscale never adds that device, and it is not deleted
 *   with the instance (counted as leaked);
 * - after any failure NUM_DEVICES is still incremented, so the threshold climbs (50 → 80 → 90%) and
 *   the next try waits until the disk is that full, or 2 s when it already is.
 */
export function startBaseline(world: World, agent: AgentRecord, retry: RetryPolicy): void {
  const { queue, latencies, random } = world;
  let numDevices = 1;
  const cli = (action: FleetAction, onOk: () => void, onFail: () => void) =>
    queue.after(cliStartup(random), () => callWithRetry(world, action, retry, onOk, onFail));
  const failed = () => {
    agent.failedAttempts += 1;
    numDevices += 1;
    const percentAt = (t: number) => Math.min(100, 50 + (t - agent.crossedAt) * agent.fillPerSecond * 100);
    const threshold = calcThreshold(numDevices);
    let wait = 2;
    if (percentAt(queue.now + 2) < threshold) wait = (threshold - 50) / (agent.fillPerSecond * 100) + agent.crossedAt - queue.now;
    queue.after(Math.ceil(wait / 2) * 2, trigger);
  };
  const countDevices = (i: number, next: () => void) =>
    cli('DescribeVolumes', next, () => (i < 5 ? queue.after(2 ** i + Math.floor(random() * 3), () => countDevices(i + 1, next)) : next()));
  const waiter = (tries: number, availableAt: number, next: () => void) => {
    const poll = (n: number) =>
      callWithRetry(
        world,
        'DescribeVolumes',
        retry,
        () => (queue.now >= availableAt || n >= 40 ? next() : queue.after(15, () => poll(n + 1))),
        () => (tries < 3 ? waiter(tries + 1, availableAt, next) : next()),
      );
    queue.after(cliStartup(random), () => poll(1));
  };
  const script = () =>
    cli(
      'DescribeTags',
      () => describes(3),
      () => describes(3),
    );
  const describes = (left: number): void => (left === 0 ? create() : cli('DescribeVolumes', () => describes(left - 1), failed));
  const create = () =>
    cli(
      'CreateVolume',
      () => {
        const availableAt = queue.now + latencies.create(random);
        waiter(1, availableAt, () =>
          queue.after(1, () => {
            // Attaching a volume still `creating` fails with IncorrectState, like a throttled attach.
            const attachable = queue.now >= availableAt;
            cli(
              'AttachVolume',
              () => {
                if (!attachable) return deleteVolume();
                agent.attachedVolumes += 1;
                deviceWait(queue.now + latencies.attach(random) + latencies.deviceVisible(random));
              },
              deleteVolume,
            );
          }),
        );
      },
      failed,
    );
  // A failed delete-volume is not retried by the script: the volume is left behind.
  const deleteVolume = () =>
    cli(
      'DeleteVolume',
      () => {
        agent.wastedVolumes += 1;
        failed();
      },
      () => {
        agent.leakedVolumes += 1;
        failed();
      },
    );
  const deviceWait = (visibleAt: number): void =>
    queue.now >= visibleAt
      ? cli(
          'ModifyInstanceAttribute',
          () => queue.after(latencies.fsAdd(random), () => (agent.doneAt = queue.now)),
          () => {
            agent.leakedVolumes += 1;
            failed();
          },
        )
      : queue.after(1, () => deviceWait(visibleAt));
  const trigger = () => countDevices(0, () => queue.after(0.35, script));
  // The 2 s `df` loop notices the crossing.
  queue.after(2 * random(), trigger);
}
