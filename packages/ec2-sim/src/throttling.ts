import type { Clock } from '@ebs-autoscale/core';
import { TokenBucket, type BucketLimit } from './token-bucket.js';

/** The throttling classes of the EC2 API that the simulated actions fall in. */
export type ActionClass = 'nonMutating' | 'unfilteredDescribe' | 'mutating' | 'createVolume' | 'deleteVolume' | 'createTags';

/** One bucket limit per action class. */
export type ThrottleLimits = Readonly<Record<ActionClass, BucketLimit>>;

/**
 * Bucket sizes and refill rates from AWS's "Request throttling for the Amazon EC2 API"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html), table "Request token
 * bucket sizes and refill rates": non-mutating 100/20, unfiltered and unpaginated non-mutating
 * (DescribeVolumes, DescribeInstances, …) 50/10, mutating 50/5; CreateVolume 100/5, DeleteVolume
 * 100/5 and CreateTags 100/10 are "uncategorized actions" with their own figures. EC2 throttles per
 * account and per region, and "each API is evaluated individually": a class gives an action its
 * bucket's size, and every action has a bucket of its own.
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
 * The class of an action. A `Describe*` call that is not `narrowed` (no id list, no `Filter.N`, no
 * `MaxResults`) is "unfiltered and unpaginated" and draws from a separate, smaller bucket, as on EC2.
 */
export function throttleClassOf(action: string, narrowed: boolean): ActionClass {
  const specific = SPECIFIC[action];
  if (specific) return specific;
  if (action.startsWith('Describe') && !narrowed) return 'unfilteredDescribe';
  return 'nonMutating';
}

/** The class of one Query request, from its parameters. */
export function classify(action: string, params: ReadonlyMap<string, string>): ActionClass {
  return throttleClassOf(
    action,
    [...params.keys()].some((key) => /^(Filter\.|MaxResults$|NextToken$|\w+Id\.\d)/.test(key)),
  );
}

/** All buckets, one per account, region, action and class (a narrowed and an unfiltered describe of one action draw from two buckets). */
export class Throttler {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limits: ThrottleLimits | false,
    private readonly clock: Clock,
  ) {}

  /** True when the call may proceed. */
  admit(accountId: string, region: string, action: string, actionClass: ActionClass): boolean {
    if (!this.limits) return true;
    const key = `${accountId}/${region}/${action}/${actionClass}`;
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
