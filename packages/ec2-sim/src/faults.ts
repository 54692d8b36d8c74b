import type { Clock } from '@ebs-autoscale/core';
import { Ec2ApiError } from './api-error.js';

/** Options of {@link FaultController.throttle}. */
export interface ThrottleFaultOptions {
  /** Actions to throttle, e.g. `['CreateVolume']`. Default: every action. */
  actions?: readonly string[];
  /** Throttle the next `count` matching calls. Default 1 when `durationMs` is not given. */
  count?: number;
  /** Throttle every matching call for this long, on the simulator's clock. */
  durationMs?: number;
}

/** Which volumes a volume fault applies to: one by id, or the next `count` (default 1). */
export interface FaultTarget {
  volumeId?: string | undefined;
  count?: number | undefined;
}

/** An EC2 error to inject. `status` defaults to 400. */
export interface InjectedError {
  code: string;
  message?: string;
  status?: number;
}

/**
 * Scripted failures, armed per test on a running simulator. Each is consumed by the calls it
 * matches; `clear()` disarms everything.
 *
 * @example
 * ```ts
 * sim.faults.throttle({ actions: ['AttachVolume'], count: 3 });
 * sim.faults.insufficientCapacity();
 * sim.faults.stuckAttach();
 * ```
 */
export interface FaultController {
  throttle(options?: ThrottleFaultOptions): void;
  fail(action: string, error: InjectedError, count?: number): void;
  insufficientCapacity(count?: number): void;
  volumeLimitExceeded(count?: number): void;
  attachmentLimitExceeded(count?: number): void;
  /** `UnauthorizedOperation` (403) for every call of `action` until {@link allow}. */
  deny(action: string, principal?: string): void;
  allow(action: string): void;
  stuckAttach(target?: FaultTarget): void;
  volumeError(target?: FaultTarget): void;
  deviceNeverAppears(target?: FaultTarget): void;
  imdsUnavailable(on?: boolean): void;
  clear(): void;
}

interface ThrottleRule {
  actions: readonly string[] | undefined;
  remaining: number;
  until: number;
}

interface FailRule {
  action: string;
  error: InjectedError;
  remaining: number;
}

interface VolumeRule {
  volumeId: string | undefined;
  remaining: number;
}

type VolumeFault = 'stuckAttach' | 'volumeError' | 'deviceNeverAppears';

const DEFAULT_PRINCIPAL = 'arn:aws:sts::123456789012:assumed-role/ebs-autoscale-sim/i-0123456789abcdef0';

/** The fault state the simulator consults; implements the public {@link FaultController}. */
export class Faults implements FaultController {
  private throttles: ThrottleRule[] = [];
  private failures: FailRule[] = [];
  private denied = new Map<string, string>();
  private volumeRules: Record<VolumeFault, VolumeRule[]> = { stuckAttach: [], volumeError: [], deviceNeverAppears: [] };
  imdsDown = false;

  constructor(private readonly clock: Clock) {}

  throttle(options: ThrottleFaultOptions = {}): void {
    const count = options.count ?? (options.durationMs === undefined ? 1 : 0);
    const until = options.durationMs === undefined ? -Infinity : this.clock.now() + options.durationMs;
    this.throttles.push({ actions: options.actions, remaining: count, until });
  }

  fail(action: string, error: InjectedError, count = 1): void {
    this.failures.push({ action, error, remaining: count });
  }

  insufficientCapacity(count = 1): void {
    // A server-side error on EC2 (HTTP 500 class), so SDKs treat it as transient.
    this.fail(
      'CreateVolume',
      { code: 'InsufficientVolumeCapacity', message: 'There is not enough capacity to fulfill your EBS volume provision request.', status: 500 },
      count,
    );
  }

  volumeLimitExceeded(count = 1): void {
    this.fail(
      'CreateVolume',
      { code: 'VolumeLimitExceeded', message: "You've reached the limit on your Amazon EBS storage. Request a quota increase." },
      count,
    );
  }

  attachmentLimitExceeded(count = 1): void {
    this.fail('AttachVolume', { code: 'AttachmentLimitExceeded', message: 'The maximum number of attachments for this instance has been reached.' }, count);
  }

  deny(action: string, principal = DEFAULT_PRINCIPAL): void {
    this.denied.set(action, principal);
  }

  allow(action: string): void {
    this.denied.delete(action);
  }

  stuckAttach(target: FaultTarget = {}): void {
    this.addVolumeRule('stuckAttach', target);
  }

  volumeError(target: FaultTarget = {}): void {
    this.addVolumeRule('volumeError', target);
  }

  deviceNeverAppears(target: FaultTarget = {}): void {
    this.addVolumeRule('deviceNeverAppears', target);
  }

  imdsUnavailable(on = true): void {
    this.imdsDown = on;
  }

  clear(): void {
    this.throttles = [];
    this.failures = [];
    this.denied.clear();
    this.volumeRules = { stuckAttach: [], volumeError: [], deviceNeverAppears: [] };
    this.imdsDown = false;
  }

  /** The injected error for this call, if any, consuming one use of the rule that fired. */
  errorFor(action: string): Ec2ApiError | undefined {
    const principal = this.denied.get(action);
    if (principal !== undefined) {
      return new Ec2ApiError(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. User: ${principal} is not authorized to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action.`,
        403,
      );
    }
    const failure = this.failures.find((rule) => rule.action === action && rule.remaining > 0);
    if (failure) {
      failure.remaining -= 1;
      return new Ec2ApiError(failure.error.code, failure.error.message ?? failure.error.code, failure.error.status ?? 400);
    }
    return undefined;
  }

  /** True when an injected throttle covers this call (consumes one use of a counted rule). */
  isThrottled(action: string): boolean {
    const now = this.clock.now();
    for (const rule of this.throttles) {
      if (rule.actions && !rule.actions.includes(action)) continue;
      if (now < rule.until) return true;
      if (rule.remaining > 0) {
        rule.remaining -= 1;
        return true;
      }
    }
    return false;
  }

  /** True when the fault applies to this volume (consumes one use of the rule). */
  take(fault: VolumeFault, volumeId: string): boolean {
    const rules = this.volumeRules[fault];
    const rule = rules.find((r) => r.remaining > 0 && (r.volumeId === undefined || r.volumeId === volumeId));
    if (!rule) return false;
    rule.remaining -= 1;
    return true;
  }

  private addVolumeRule(fault: VolumeFault, target: FaultTarget): void {
    this.volumeRules[fault].push({ volumeId: target.volumeId, remaining: target.count ?? 1 });
  }
}
