// The loop with shrink and hybrid growth (issue 17): a quiet filesystem gives its newest added device
// back, never flapping into a grow; hybrid growth enlarges the newest owned volume before adding one.
import { describe, expect, it, vi } from 'vitest';
import { GIB, StorageAutoscaler, createCompatibilityPolicy, type ShrinkRule } from '../src/index.js';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '../src/testing.js';
import { ShrinkableDriver } from './shrinkable-driver.js';

const MINUTE = 60_000;
const rule: ShrinkRule = { highWaterFreePercent: 50, quietPeriodMs: 10 * MINUTE, minFreeBytes: 5 * GIB };

async function grownWorld(shrink: ShrinkRule | 'never' = rule) {
  const clock = new ManualClock();
  const host = new MemoryHost();
  const driver = new ShrinkableDriver(host, 100 * GIB);
  const provisioner = new InMemoryProvisioner({ host, clock });
  const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy: createCompatibilityPolicy(), ...(shrink === 'never' ? {} : { shrink }) });
  const removed: { volumeId: string; outcome: string }[] = [];
  autoscaler.on('volume:removed', (event) => removed.push(event));
  driver.used = 60 * GIB;
  expect((await autoscaler.evaluate()).scaled).toBe('complete');
  const [added] = await provisioner.list();
  /** One sample a minute for `minutes`. */
  const run = async (minutes: number) => {
    for (let minute = 0; minute < minutes; minute += 1) {
      await clock.advance(MINUTE);
      await autoscaler.evaluate();
    }
  };
  return { clock, driver, provisioner, autoscaler, removed, added: added!, run };
}

describe('StorageAutoscaler shrink', () => {
  it('gives the added device back after the quiet period, not before, and releases its volume', async () => {
    const { driver, provisioner, autoscaler, removed, added, run } = await grownWorld();
    driver.used = 10 * GIB; // the clean-up after a build
    await run(9);
    expect(removed, 'inside the quiet period').toEqual([]);
    await run(2);
    expect(removed).toEqual([expect.objectContaining({ volumeId: added.volumeId, outcome: 'released' })]);
    expect(await driver.devices()).toHaveLength(1);
    expect(provisioner.inspect(added.volumeId)).toBeUndefined();
    expect(autoscaler.status().removals).toEqual({ released: 1, kept: 0, cancelled: 0 });
  });

  it('does not shrink while usage rises, and does not grow again after a shrink while usage stays', async () => {
    const { driver, provisioner, removed, run } = await grownWorld();
    for (let minute = 0; minute < 20; minute += 1) {
      driver.used = 10 * GIB + minute * 0.1 * GIB; // a slow fill: never quiet
      await run(1);
    }
    expect(removed).toEqual([]);
    driver.used = 5 * GIB;
    await run(11);
    expect(removed).toHaveLength(1);
    await run(30);
    expect(provisioner.calls.provision, 'no grow after the shrink').toBe(1);
    expect(removed).toHaveLength(1);
  });

  it('cancels a removal when a fill starts during it, keeping the device and its volume', async () => {
    const { clock, driver, provisioner, autoscaler, removed, added, run } = await grownWorld();
    driver.used = 10 * GIB;
    driver.slowRemovals = true;
    await run(10);
    await clock.advance(MINUTE);
    const evaluation = autoscaler.evaluate(); // the quiet period is over: the removal starts, and takes a while
    await vi.waitFor(() => expect(driver.removalsStarted).toBe(1));
    driver.used = 90 * GIB; // a fill starts meanwhile; the removal's own watch samples it
    await clock.advance(MINUTE);
    await evaluation;
    expect(removed).toEqual([expect.objectContaining({ volumeId: added.volumeId, outcome: 'cancelled' })]);
    expect(await driver.devices()).toContain(added.device);
    expect(provisioner.inspect(added.volumeId)).toBeDefined();
    expect(provisioner.calls.release).toBe(0);
    expect(autoscaler.status().removals).toEqual({ released: 0, kept: 0, cancelled: 1 });
  });

  it('never shrinks without a shrink rule, or with a driver that cannot remove devices', async () => {
    const { driver, removed, run } = await grownWorld('never');
    driver.used = 10 * GIB;
    await run(30);
    expect(removed).toEqual([]);

    const clock = new ManualClock();
    const host = new MemoryHost();
    const addOnly = new InMemoryDriver({ host, initialBytes: 100 * GIB });
    const autoscaler = new StorageAutoscaler({
      driver: addOnly,
      provisioner: new InMemoryProvisioner({ host, clock }),
      clock,
      policy: createCompatibilityPolicy(),
      shrink: rule,
    });
    addOnly.write(60 * GIB);
    await autoscaler.evaluate();
    addOnly.remove(50 * GIB);
    for (let minute = 0; minute < 30; minute += 1) {
      await clock.advance(MINUTE);
      await autoscaler.evaluate();
    }
    expect(await addOnly.devices()).toHaveLength(2);
  });
});

describe('StorageAutoscaler hybridGrowth', () => {
  it('grows the newest owned volume in place instead of adding one, when asked for', async () => {
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, methods: { extend: true, growInPlace: true } });
    const provisioner = new InMemoryProvisioner({ host, clock });
    provisioner.adopt((await driver.devices())[0]!, 100);
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy: createCompatibilityPolicy(), hybridGrowth: true });
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('complete');
    expect(provisioner.calls).toMatchObject({ resize: 1, provision: 0 });
    expect(await driver.devices()).toHaveLength(1);
    // status() counts it in place, against the volume's modification budget.
    const [volume] = await provisioner.list();
    expect(autoscaler.status()).toMatchObject({ growth: 'hybrid', inPlaceGrowths: [{ volumeId: volume!.volumeId, startedAt: [clock.now()] }] });
  });
});
