/** Size and refill rate of one EC2 throttling bucket. */
export interface BucketSpec {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/**
 * EC2's request token bucket: each request takes one token; refills at a fixed rate up to the
 * capacity. A request that finds it empty is refused with RequestLimitExceeded and takes nothing
 * (assumed: the EC2 docs describe the refill, not whether refused requests are charged).
 */
export class TokenBucket {
  private tokens: number;
  private last = 0;

  constructor(readonly spec: BucketSpec) {
    this.tokens = spec.capacity;
  }

  /** Takes a token at `seconds` if there is one. */
  tryTake(seconds: number): boolean {
    this.tokens = Math.min(this.spec.capacity, this.tokens + (seconds - this.last) * this.spec.refillPerSecond);
    this.last = seconds;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * The buckets of one account in one region, per API action, from "Request throttling for the Amazon
 * EC2 API" (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html): each action
 * has its own bucket, sized by its category. Describes here are filtered or by id, so they are
 * non-mutating (100 / 20 per s), not "unfiltered and unpaginated" (50 / 10).
 */
export const EC2_BUCKETS: Readonly<Record<string, BucketSpec>> = {
  DescribeVolumes: { capacity: 100, refillPerSecond: 20 },
  DescribeTags: { capacity: 100, refillPerSecond: 20 },
  CreateVolume: { capacity: 100, refillPerSecond: 5 },
  DeleteVolume: { capacity: 100, refillPerSecond: 5 },
  CreateTags: { capacity: 100, refillPerSecond: 10 },
  AttachVolume: { capacity: 50, refillPerSecond: 5 },
  DetachVolume: { capacity: 50, refillPerSecond: 5 },
  ModifyVolume: { capacity: 50, refillPerSecond: 5 },
  ModifyInstanceAttribute: { capacity: 50, refillPerSecond: 5 },
};

/** One simulated account and region: a bucket per action, and counts of what was called. */
export class Ec2Account {
  readonly calls: Record<string, number> = {};
  readonly throttled: Record<string, number> = {};
  private readonly buckets = new Map<string, TokenBucket>();

  /** Whether the call at `seconds` is accepted. */
  call(action: string, seconds: number): boolean {
    let bucket = this.buckets.get(action);
    if (!bucket) {
      const spec = EC2_BUCKETS[action];
      if (!spec) throw new Error(`No throttling bucket for ${action}.`);
      bucket = new TokenBucket(spec);
      this.buckets.set(action, bucket);
    }
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    if (bucket.tryTake(seconds)) return true;
    this.throttled[action] = (this.throttled[action] ?? 0) + 1;
    return false;
  }

  get totalCalls(): number {
    return Object.values(this.calls).reduce((s, n) => s + n, 0);
  }

  get totalThrottled(): number {
    return Object.values(this.throttled).reduce((s, n) => s + n, 0);
  }
}
