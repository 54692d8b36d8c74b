import { DEFAULT_THROTTLE_LIMITS, throttleClassOf, TokenBucket, type ThrottleLimits } from '@ebs-autoscale/ec2-sim';

/**
 * One simulated account and region: the simulator's own token buckets (ec2-sim's `TokenBucket`, with
 * `DEFAULT_THROTTLE_LIMITS` from AWS's "Request throttling for the Amazon EC2 API"), one per action as
 * EC2 keeps them, and counts of what was called. Times are seconds of virtual time.
 */
export class Ec2Account {
  readonly calls: Record<string, number> = {};
  readonly throttled: Record<string, number> = {};
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {}

  /**
   * Whether the request at `seconds` is admitted. `narrowed` is false only for a `Describe*` with no
   * filter, id list or page size, which EC2 charges to a smaller bucket; every call modelled here is
   * narrowed.
   */
  call(action: string, seconds: number, narrowed = true): boolean {
    const actionClass = throttleClassOf(action, narrowed);
    const key = `${action}/${actionClass}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limits[actionClass], seconds * 1000);
      this.buckets.set(key, bucket);
    }
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    if (bucket.take(seconds * 1000)) return true;
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
