// The growth strategy is chosen once, from the methods the driver and the provisioner have (issue 14,
// items 1 and 2), and a malformed plug-in is refused where it is plugged in.
import { describe, expect, it } from 'vitest';
import {
  GIB,
  StorageAutoscaler,
  createCompatibilityPolicy,
  hasErrorCode,
  type FilesystemDriver,
  type ScalingPolicy,
  type ScalingState,
  type VolumeProvisioner,
} from '../src/index.js';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '../src/testing.js';

function world(methods: { extend?: boolean; growInPlace?: boolean }, options: { resize?: boolean } = {}) {
  const clock = new ManualClock();
  const host = new MemoryHost();
  const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, methods });
  const memory = new InMemoryProvisioner({ host, clock });
  // A cloud that cannot resize: the same provisioner without the optional method.
  const provisioner: VolumeProvisioner =
    options.resize === false
      ? { name: 'no-resize', provision: (r) => memory.provision(r), release: (id) => memory.release(id), list: () => memory.list() }
      : memory;
  return { clock, host, driver, memory, provisioner };
}

describe("the growth strategy, chosen from the plug-ins' methods", () => {
  it('adds a device when the driver has extend(), even when it could also grow in place', async () => {
    const { clock, driver, memory, provisioner } = world({ extend: true, growInPlace: true });
    memory.adopt((await driver.devices())[0]!, 100);
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy: createCompatibilityPolicy() });
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('complete');
    expect(memory.calls).toMatchObject({ provision: 1, resize: 0 });
  });

  it('grows in place when the driver has growInPlace() and no extend(), and the provisioner resize()', async () => {
    const { clock, driver, memory, provisioner } = world({ extend: false, growInPlace: true });
    memory.adopt((await driver.devices())[0]!, 100);
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy: createCompatibilityPolicy() });
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('complete');
    expect(memory.calls).toMatchObject({ provision: 0, resize: 1 });
  });

  it("only watches, with a cannot-grow limit, when the provisioner cannot resize a grow-in-place driver's volume", async () => {
    const { clock, driver, memory, provisioner } = world({ extend: false, growInPlace: true }, { resize: false });
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy: createCompatibilityPolicy() });
    const limits: string[] = [];
    autoscaler.on('limit:reached', (event) => limits.push(event.limit));
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBeUndefined();
    expect(limits).toEqual(['cannot-grow']);
    expect(memory.calls).toMatchObject({ provision: 0, resize: 0 });
    // Nothing pending to grow onto either: growInPlace() is the strategy's, and there is none.
    expect(driver.calls.growInPlace).toBe(0);
  });
});

describe('the plug-ins, checked once where they are plugged in', () => {
  const host = new MemoryHost();
  const provisioner = new InMemoryProvisioner({ host });
  const refusal = (build: () => unknown): Error => {
    try {
      build();
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the constructor to refuse');
  };

  it('refuses a driver that still declares a capabilities flag, saying what to do', () => {
    const driver = Object.assign(new InMemoryDriver({ host, initialBytes: GIB }), { capabilities: { addDevice: false, growInPlace: true } });
    const error = refusal(() => new StorageAutoscaler({ driver, provisioner }));
    expect(hasErrorCode(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error.message).toMatch(/^\[ebs-autoscale\] \[autoscaler\] The memory driver declares `capabilities`.*remove `capabilities`/);
  });

  it('refuses a driver without a required method, and an optional one that is not a function', () => {
    const noUsage = { name: 'bare', mountPoint: '/mnt/bare', prepare: async () => {}, devices: async () => [], holdsDevice: async () => false };
    expect(refusal(() => new StorageAutoscaler({ driver: noUsage as unknown as FilesystemDriver, provisioner })).message).toMatch(
      /The bare driver has no usage\(\) method/,
    );
    const driver = Object.assign(new InMemoryDriver({ host, initialBytes: GIB }), { growInPlace: true });
    expect(refusal(() => new StorageAutoscaler({ driver: driver as unknown as FilesystemDriver, provisioner })).message).toMatch(
      /growInPlace is not a function/,
    );
  });
});

describe('ScalingState.addedVolumes', () => {
  /** The compatibility policy, recording the state it was asked with. */
  function recording(limits: Parameters<typeof createCompatibilityPolicy>[0] = {}): { policy: ScalingPolicy; states: ScalingState[] } {
    const inner = createCompatibilityPolicy(limits);
    const states: ScalingState[] = [];
    return { states, policy: { ...inner, decide: (input) => (states.push(input.state), inner.decide(input)) } };
  }

  it('does not count the initial volume when the agent owns it (install created it, or grow-in-place adopted it)', async () => {
    const { clock, driver, memory } = world({ extend: true });
    memory.adopt((await driver.devices())[0]!, 100);
    const { policy, states } = recording();
    const autoscaler = new StorageAutoscaler({ driver, provisioner: memory, clock, policy });
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('complete');
    await autoscaler.evaluate();
    expect(states.map((state) => state.addedVolumes)).toEqual([0, 1]);
    expect(autoscaler.status().addedVolumes, 'status() counts every owned volume').toBe(2);
  });

  it('lets a grow-in-place filesystem on its owned initial volume grow under maxCreatedVolumes: 1', async () => {
    const { clock, driver, memory } = world({ extend: false, growInPlace: true });
    memory.adopt((await driver.devices())[0]!, 100);
    const autoscaler = new StorageAutoscaler({ driver, provisioner: memory, clock, policy: createCompatibilityPolicy({ limits: { maxCreatedVolumes: 1 } }) });
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('complete');
  });

  it("counts the added volumes when the initial device is not the agent's", async () => {
    const { clock, driver, memory } = world({ extend: true });
    const { policy, states } = recording();
    const autoscaler = new StorageAutoscaler({ driver, provisioner: memory, clock, policy });
    driver.write(60 * GIB);
    await autoscaler.evaluate();
    await autoscaler.evaluate();
    expect(states.map((state) => state.addedVolumes)).toEqual([0, 1]);
  });
});
