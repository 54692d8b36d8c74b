// The fleet model's action names against the real ec2-sim: a name the simulator does not serve, or one
// it throttles in another class than the model assumes, would make the benchmark charge calls to a
// bucket EC2 never keeps.
import { startEc2Simulator, type ActionClass, type ThrottleLimits } from '@ebs-autoscale/ec2-sim';
import { describe, expect, it } from 'vitest';
import { Ec2Account, FLEET_ACTIONS, type FleetAction } from '../src/fleet/account.js';

/** Every class a different burst and no refill: how many requests an action gets admitted names its class. */
const BURSTS: Record<ActionClass, number> = { nonMutating: 1, unfilteredDescribe: 2, mutating: 3, createVolume: 4, deleteVolume: 5, createTags: 6 };
const LIMITS = Object.fromEntries(Object.entries(BURSTS).map(([cls, capacity]) => [cls, { capacity, refillPerSecond: 0 }])) as unknown as ThrottleLimits;

/** Sends DryRun requests of `action` to the simulator until it throttles one; returns how many it admitted, or the error that was neither. */
async function admittedBeforeThrottling(endpoint: string, action: string): Promise<number | string> {
  for (let admitted = 0; admitted <= 10; admitted += 1) {
    // MaxResults makes a Describe* "narrowed", as every call in the model is; DryRun stops before the
    // action validates its parameters, so no volume or instance is needed.
    const body = new URLSearchParams({ Action: action, Version: '2016-11-15', DryRun: 'true', MaxResults: '5' });
    const xml = await (await fetch(endpoint, { method: 'POST', body })).text();
    const code = /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
    if (code === 'RequestLimitExceeded') return admitted;
    if (code !== 'DryRunOperation') return code ?? xml;
  }
  return 'never throttled';
}

describe('fleet model actions', () => {
  it('are actions the real ec2-sim serves, throttled in the class FLEET_ACTIONS gives them', async () => {
    const sim = await startEc2Simulator({ latencies: 'zero', throttling: LIMITS });
    try {
      const expected = Object.fromEntries(Object.entries(FLEET_ACTIONS).map(([action, cls]) => [action, BURSTS[cls]]));
      const measured: Record<string, number | string> = {};
      for (const action of Object.keys(FLEET_ACTIONS)) measured[action] = await admittedBeforeThrottling(sim.endpoint, action);
      expect(measured).toEqual(expected);
      // The check can fail: a misspelt name is refused by the simulator, not admitted.
      expect(await admittedBeforeThrottling(sim.endpoint, 'AttachVolme')).toBe('InvalidAction');
    } finally {
      await sim.close();
    }
  });

  it('refuse a name outside the set: a type error, and a throw for one cast past the compiler', () => {
    const account = new Ec2Account();
    // @ts-expect-error a misspelt action does not compile
    expect(() => account.call('AttachVolme', 0)).toThrow(/'AttachVolme' is not in FLEET_ACTIONS/);
    expect(() => account.call('CreateSnapshot' as FleetAction, 0)).toThrow(/'CreateSnapshot' is not in FLEET_ACTIONS/);
    expect(account.totalCalls).toBe(0);
  });

  it('charges each action its own bucket of its class (AttachVolume: 50, then 5 per second)', () => {
    const account = new Ec2Account();
    const admitted = Array.from({ length: 60 }, () => account.call('AttachVolume', 0)).filter(Boolean).length;
    expect(admitted).toBe(50);
    expect(account.call('DetachVolume', 0)).toBe(true); // another action, another bucket
    expect(account.call('AttachVolume', 0.2)).toBe(true); // one token refilled
    expect(account.call('AttachVolume', 0.2)).toBe(false);
    expect(account.calls).toEqual({ AttachVolume: 62, DetachVolume: 1 });
    expect(account.throttled).toEqual({ AttachVolume: 11 });
  });
});
