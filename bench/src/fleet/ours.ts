import { backoffDelay, createPredictivePolicy, type BackoffOptions } from '@ebs-autoscale/core';
import { DEFAULT_SCHEDULES, scheduleDelay, type EbsSchedules, type RetrySchedule, type WaitSchedule } from '@ebs-autoscale/provisioner-ebs';
import type { FleetAction } from './account.js';
import { callWithRetry, type AgentRecord, type RetryPolicy, type World } from './world.js';

/** How our agent is configured; every default is the shipped code's own value, imported, not copied. */
export interface OursOptions {
  /** The provisioner's schedules. Default its `DEFAULT_SCHEDULES`. */
  readonly schedules?: EbsSchedules;
  /** The autoscaler's backoff after a failed scale-up. Default core's `backoffDelay` defaults. */
  readonly backoff?: BackoffOptions;
  /** The autoscaler's sampling interval, s. Default the default policy's `intervalMs`. */
  readonly intervalSeconds?: number;
}

/**
 * The provisioner's `Ec2Caller` in event form: p-retry with `retries: schedule.retries` makes
 * `retries + 1` attempts, and after failed attempt n (while retries are left) it sleeps
 * `scheduleDelay(schedule, n)`. Throttling is always in the retried kinds.
 */
export function providerRetry(schedule: RetrySchedule): RetryPolicy {
  return (failed, random) => (failed <= schedule.retries ? scheduleDelay(schedule, failed, random) / 1000 : undefined);
}

/**
 * Our agent's scale-up as the code runs it (packages/provisioner-ebs `EbsProvisioner.provision`, core
 * `StorageAutoscaler.scale`), every EC2 call through {@link providerRetry}:
 * 1. DescribeInstances and DescribeVolumes (owned, filtered) in parallel, for the limit checks;
 * 2. CreateVolume with TagSpecifications;
 * 3. `waitAvailable`: DescribeVolumes by id on the `volumeAvailable` schedule, 60 s timeout;
 * 4. AttachVolume, then `waitAttached` on the `attachment` schedule;
 * 5. ModifyInstanceAttribute (DeleteOnTermination), then the device poll (no EC2 call);
 * 6. the filesystem takes the device.
 * A failure after CreateVolume runs `cleanup`: DescribeVolumes, DetachVolume and a wait when attached
 * (or a wait for `available` while still creating), DeleteVolume. A failed scale-up sets
 * `retryAt = now + backoffDelay(failures)`; the autoscaler samples every interval and skips until then.
 * A describe sees the state at the moment its answer arrives.
 */
export function startOurs(world: World, agent: AgentRecord, options: OursOptions = {}): void {
  startScaleUp(world, agent, options, (ours) => ours.addDevice());
}

/** How a wait checks: through an EC2 describe (`action`, whose giving up calls `gaveUp`, else the wait's `fail`) or locally. */
export interface WaitCheck {
  readonly ec2?: FleetAction;
  readonly skipFirstDelay?: boolean;
  readonly gaveUp?: () => void;
}

/** The steps of our agent that every growth strategy shares, for one agent. */
export interface OursSteps {
  readonly schedules: EbsSchedules;
  /** One EC2 call through the provider retry. */
  call(action: FleetAction, ok: () => void, fail: () => void): void;
  /** `pollUntil` on `schedule`: until `ready()` or past the timeout. */
  wait(schedule: WaitSchedule, ready: () => boolean, ok: () => void, fail: () => void, how: WaitCheck): void;
  /** The scale-up failed: back off, then run the strategy again at a later sample. */
  scaleFailed(): void;
  /** The filesystem shows the new capacity. */
  done(): void;
  /** Growth by adding a device, steps 1–6 of {@link startOurs}. */
  addDevice(): void;
}

/**
 * Starts one agent whose scale-up is `strategy` (run again after each failure, on the autoscaler's
 * backoff), built on the shared {@link OursSteps}.
 */
export function startScaleUp(world: World, agent: AgentRecord, options: OursOptions, strategy: (ours: OursSteps) => void): void {
  const ours = oursSteps(world, agent, options, () => strategy(ours));
  // The autoscaler decides at its next sample after the crossing.
  world.queue.after(ours.intervalSeconds * world.random(), () => strategy(ours));
}

function oursSteps(world: World, agent: AgentRecord, options: OursOptions, scale: () => void): OursSteps & { intervalSeconds: number } {
  const { queue, latencies, random } = world;
  const schedules = options.schedules ?? DEFAULT_SCHEDULES;
  const interval = options.intervalSeconds ?? createPredictivePolicy().intervalMs / 1000;
  const retry = providerRetry(schedules.apiRetry);
  const call = (action: FleetAction, ok: () => void, fail: () => void) => callWithRetry(world, action, retry, ok, fail);
  let failures = 0;

  /** `pollUntil`: sleep, check, until ready or past the deadline; an EC2 check that gives up fails the wait. */
  const wait = (schedule: WaitSchedule, ready: () => boolean, ok: () => void, fail: () => void, how: WaitCheck) => {
    const deadline = queue.now + schedule.timeoutMs / 1000;
    const step = (n: number): void => {
      const judge = () => (ready() ? ok() : queue.now >= deadline ? fail() : step(n + 1));
      const check = () => (how.ec2 ? call(how.ec2, judge, how.gaveUp ?? fail) : judge());
      if (n === 1 && how.skipFirstDelay) check();
      else queue.after(scheduleDelay(schedule, n, random) / 1000, check);
    };
    step(1);
  };

  const scaleFailed = () => {
    failures += 1;
    agent.failedAttempts += 1;
    const retryIn = backoffDelay(failures, { ...options.backoff, random }) / 1000;
    queue.after(Math.max(1, Math.ceil(retryIn / interval)) * interval, scale);
  };
  /** `VolumeOps.cleanup`, whose own failures are only reported; then the scale-up fails. */
  const cleanup = (availableAt: number, attached: boolean) => {
    const deleted = () => {
      agent.wastedVolumes += 1;
      scaleFailed();
    };
    const left = () => {
      agent.leakedVolumes += 1; // an orphan until reconcile() runs
      scaleFailed();
    };
    const del = () => call('DeleteVolume', deleted, left);
    call(
      'DescribeVolumes',
      () => {
        if (attached)
          call(
            'DetachVolume',
            () => {
              agent.attachedVolumes -= 1;
              const detachedAt = queue.now + latencies.attach(random);
              wait(schedules.attachment, () => queue.now >= detachedAt, del, left, { ec2: 'DescribeVolumes' });
            },
            left,
          );
        else if (queue.now >= availableAt) del();
        else wait(schedules.attachment, () => queue.now >= availableAt, del, left, { ec2: 'DescribeVolumes' });
      },
      left,
    );
  };

  const done = () => (agent.doneAt = queue.now);
  const extend = () => queue.after(latencies.fsAdd(random), done);
  const attach = (availableAt: number) =>
    call(
      'AttachVolume',
      () => {
        agent.attachedVolumes += 1;
        const attachedAt = queue.now + latencies.attach(random);
        const failAttached = () => cleanup(availableAt, true);
        wait(
          schedules.attachment,
          () => queue.now >= attachedAt,
          () =>
            call(
              'ModifyInstanceAttribute',
              () => {
                const visibleAt = Math.max(queue.now, attachedAt + latencies.deviceVisible(random));
                wait(schedules.device, () => queue.now >= visibleAt, extend, failAttached, { skipFirstDelay: true });
              },
              failAttached,
            ),
          failAttached,
          { ec2: 'DescribeVolumes' },
        );
      },
      () => cleanup(availableAt, false),
    );
  const create = () =>
    call(
      'CreateVolume',
      () => {
        const availableAt = queue.now + latencies.create(random);
        wait(
          schedules.volumeAvailable,
          () => queue.now >= availableAt,
          () => attach(availableAt),
          () => cleanup(availableAt, false),
          { ec2: 'DescribeVolumes' },
        );
      },
      scaleFailed,
    );
  function addDevice(): void {
    // Promise.all: the first rejection fails the scale-up; the other call runs on unobserved.
    let pending = 2;
    let rejected = false;
    const resolved = () => {
      pending -= 1;
      if (pending === 0 && !rejected) create();
    };
    const reject = () => {
      if (rejected) return;
      rejected = true;
      scaleFailed();
    };
    call('DescribeInstances', resolved, reject);
    call('DescribeVolumes', resolved, reject);
  }
  return { schedules, call, wait, scaleFailed, done, addDevice, intervalSeconds: interval };
}
