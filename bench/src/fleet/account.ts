import { DEFAULT_THROTTLE_LIMITS, throttleClassOf, TokenBucket, type ActionClass, type ThrottleLimits } from '@ebs-autoscale/ec2-sim';

/**
 * Every EC2 action the fleet model calls, with the throttling class it must get. A closed set because
 * ec2-sim's `throttleClassOf` puts any name it does not know in the non-mutating class: a misspelt
 * `'AttachVolme'` would have drawn from a 100 / 20 bucket of its own instead of AttachVolume's 50 / 5,
 * quietly flattering whoever made that call. Now a misspelt name at a call site is a type error, and a
 * misspelt name here throws at load (below) when ec2-sim classes it differently.
 * test/fleet-account.test.ts checks that the real ec2-sim serves every one of these names.
 */
export const FLEET_ACTIONS = {
  DescribeInstances: 'nonMutating',
  DescribeVolumes: 'nonMutating',
  DescribeTags: 'nonMutating',
  CreateVolume: 'createVolume',
  AttachVolume: 'mutating',
  DetachVolume: 'mutating',
  DeleteVolume: 'deleteVolume',
  ModifyInstanceAttribute: 'mutating',
  ModifyVolume: 'mutating',
  DescribeVolumesModifications: 'nonMutating',
} as const satisfies Readonly<Record<string, ActionClass>>;

/** An EC2 action the fleet model calls. */
export type FleetAction = keyof typeof FLEET_ACTIONS;

// The classes above are what the model expects; ec2-sim's are what it charges. They must agree, or a
// run would report throttling against a bucket nobody meant.
for (const [action, expected] of Object.entries(FLEET_ACTIONS)) {
  const actual = throttleClassOf(action, true);
  if (actual !== expected) {
    throw new Error(
      `bench/src/fleet/account.ts: ec2-sim throttles ${action} as '${actual}', FLEET_ACTIONS expects '${expected}': correct the action's name or its class in FLEET_ACTIONS.`,
    );
  }
}

/**
 * One simulated account and region: the simulator's own token buckets (ec2-sim's `TokenBucket`, with
 * `DEFAULT_THROTTLE_LIMITS` from AWS's "Request throttling for the Amazon EC2 API"), one per action as
 * EC2 keeps them, and counts of what was called. Times are seconds of virtual time.
 *
 * Not ec2-sim's `Throttler`, though it takes an injectable clock and would run on this virtual time:
 * the package does not export it (nor its `StatsCounter`), so the few lines that key a bucket per
 * action and count calls are kept here.
 */
export class Ec2Account {
  readonly calls: Record<string, number> = {};
  readonly throttled: Record<string, number> = {};
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {}

  /**
   * Whether the request at `seconds` is admitted. `narrowed` is false only for a `Describe*` with no
   * filter, id list or page size, which EC2 charges to a smaller bucket; every call modelled here is
   * narrowed. Throws on a name outside {@link FLEET_ACTIONS}, which only a cast can pass.
   */
  call(action: FleetAction, seconds: number, narrowed = true): boolean {
    if (!Object.hasOwn(FLEET_ACTIONS, action)) {
      throw new Error(`Ec2Account.call: '${String(action)}' is not in FLEET_ACTIONS (bench/src/fleet/account.ts); add it there with its throttling class.`);
    }
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
