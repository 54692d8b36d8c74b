import type { Clock } from '@ebs-autoscale/core';

/** A token bucket's size and its refill rate in tokens per second. */
export interface BucketLimit {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** The throttling classes of the EC2 API that the simulated actions fall in. */
export type ActionClass = 'nonMutating' | 'unfilteredDescribe' | 'mutating' | 'createVolume' | 'deleteVolume' | 'createTags';

/** One bucket limit per action class. */
export type ThrottleLimits = Readonly<Record<ActionClass, BucketLimit>>;

/**
 * Bucket sizes and refill rates from AWS's "Request throttling for the Amazon EC2 API"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html), which throttles per
 * account and per region with one token bucket per category.
 */
export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  nonMutating: { capacity: 100, refillPerSecond: 20 },
  unfilteredDescribe: { capacity: 50, refillPerSecond: 10 },
  mutating: { capacity: 50, refillPerSecond: 5 },
  createVolume: { capacity: 100, refillPerSecond: 5 },
  deleteVolume: { capacity: 100, refillPerSecond: 5 },
  createTags: { capacity: 100, refillPerSecond: 10 },
};

const SPECIFIC: Record<string, ActionClass> = {
  CreateVolume: 'createVolume',
  DeleteVolume: 'deleteVolume',
  CreateTags: 'createTags',
  AttachVolume: 'mutating',
  DetachVolume: 'mutating',
  ModifyVolume: 'mutating',
  ModifyInstanceAttribute: 'mutating',
};

/**
 * The class of one request. A `Describe*` call with no id list, no `Filter.N` and no `MaxResults`
 * is "unfiltered and unpaginated" and draws from its own, smaller bucket, as on EC2.
 */
export function classify(action: string, params: ReadonlyMap<string, string>): ActionClass {
  const specific = SPECIFIC[action];
  if (specific) return specific;
  if (action.startsWith('Describe')) {
    const narrowed = [...params.keys()].some((key) => /^(Filter\.|MaxResults$|NextToken$|\w+Id\.\d)/.test(key));
    if (!narrowed) return 'unfilteredDescribe';
  }
  return 'nonMutating';
}

class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: BucketLimit,
    now: number,
  ) {
    this.tokens = limit.capacity;
    this.updatedAt = now;
  }

  /** Takes one token if there is one. Refill is computed lazily from the clock, so virtual time works. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.limit.capacity, this.tokens + elapsed * this.limit.refillPerSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** All buckets, keyed by account, region and class. */
export class Throttler {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: ThrottleLimits | false,
    private readonly clock: Clock,
  ) {}

  /** True when the call may proceed. */
  admit(accountId: string, region: string, actionClass: ActionClass): boolean {
    if (!this.limits) return true;
    const key = `${accountId}/${region}/${actionClass}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limits[actionClass], this.clock.now());
      this.buckets.set(key, bucket);
    }
    return bucket.take(this.clock.now());
  }
}

/** Counts by action name, for tests. */
export interface SimStats {
  /** Every request received, including throttled and failed ones. */
  readonly calls: Readonly<Record<string, number>>;
  /** Requests answered with `RequestLimitExceeded` (bucket empty or injected). */
  readonly throttled: Readonly<Record<string, number>>;
  /** Requests answered with any error, throttling included. */
  readonly errors: Readonly<Record<string, number>>;
}

/** Mutable counters behind {@link SimStats}. */
export class StatsCounter {
  private calls: Record<string, number> = {};
  private throttled: Record<string, number> = {};
  private errors: Record<string, number> = {};

  call(action: string): void {
    this.calls[action] = (this.calls[action] ?? 0) + 1;
  }
  throttle(action: string): void {
    this.throttled[action] = (this.throttled[action] ?? 0) + 1;
  }
  error(action: string): void {
    this.errors[action] = (this.errors[action] ?? 0) + 1;
  }
  snapshot(): SimStats {
    return { calls: { ...this.calls }, throttled: { ...this.throttled }, errors: { ...this.errors } };
  }
  reset(): void {
    this.calls = {};
    this.throttled = {};
    this.errors = {};
  }
}

export function resolveThrottleLimits(option: false | Partial<ThrottleLimits> | undefined): ThrottleLimits | false {
  if (option === false) return false;
  return { ...DEFAULT_THROTTLE_LIMITS, ...option };
}
