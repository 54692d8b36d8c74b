import { IsolatedEventEmitter, sleep, type Clock } from '@ebs-autoscale/core';
import pRetry from 'p-retry';
import type { Ec2Action, Ec2Api } from './ec2-api.js';
import { translateEc2Error, type Ec2CallError, type Ec2FailureKind } from './ec2-errors.js';
import type { EbsProvisionerEvents } from './events.js';
import { scheduleDelay, type RetrySchedule } from './schedules.js';

/** Failures worth the same call again: EC2 said "later", or never answered. */
const DEFAULT_RETRY_ON: readonly Ec2FailureKind[] = ['throttled', 'server', 'network'];

/** How one call is retried. */
export interface CallOptions {
  /** Failure kinds retried, beyond which the error is thrown at once. Default throttled, 5xx, network. */
  retryOn?: readonly Ec2FailureKind[];
  /** The volume the call is about, for error messages. */
  volumeId?: string;
  signal?: AbortSignal;
}

/**
 * Runs EC2 calls with retries (p-retry) on one budget per call, waiting on the injected clock, and
 * reports each attempt as an `ec2:call` event and each retry as `ec2:retry`. What it throws is always an
 * {@link Ec2CallError}.
 */
export class Ec2Caller {
  constructor(
    private readonly api: Ec2Api,
    private readonly events: IsolatedEventEmitter<EbsProvisionerEvents>,
    private readonly clock: Clock,
    private readonly schedule: RetrySchedule,
    private readonly random: () => number,
  ) {}

  async call<T>(action: Ec2Action, run: (api: Ec2Api) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const retryOn = options.retryOn ?? DEFAULT_RETRY_ON;
    return pRetry(
      async (attempt) => {
        const started = this.clock.now();
        try {
          const result = await run(this.api);
          this.events.emit('ec2:call', { at: this.clock.now(), action, attempt, durationMs: this.clock.now() - started });
          return result;
        } catch (thrown) {
          const error = translateEc2Error(thrown, action, options.volumeId);
          this.events.emit('ec2:call', { at: this.clock.now(), action, attempt, durationMs: this.clock.now() - started, error });
          throw error;
        }
      },
      {
        retries: this.schedule.retries,
        // p-retry counts attempts and owns the budget; the wait itself runs on our clock (in shouldRetry),
        // so tests drive it with a ManualClock. minTimeout 0 keeps p-retry from adding its own timer.
        minTimeout: 0,
        maxTimeout: 0,
        ...(options.signal ? { signal: options.signal } : {}),
        shouldRetry: async ({ error, attemptNumber, retriesLeft }) => {
          const failure = error as Ec2CallError;
          if (retriesLeft <= 0 || !retryOn.includes(failure.kind)) return false;
          const delayMs = scheduleDelay(this.schedule, attemptNumber, this.random);
          this.events.emit('ec2:retry', { at: this.clock.now(), action, attempt: attemptNumber, delayMs, error: failure });
          await sleep(this.clock, delayMs, options.signal);
          return true;
        },
      },
    );
  }
}
