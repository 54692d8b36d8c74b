import { describe, expect, it } from 'vitest';
import { GIB, createCompatibilityPolicy, createPredictivePolicy, type Decision, type SpaceReclaimer } from '../src/index.js';
import { planReclaim } from '../src/reclaim/reclaim-plan.js';
import { InMemoryReclaimer } from '../src/testing.js';
import { memoryWorld } from './reservation-world.js';

const limits = createPredictivePolicy().limits;
const scale = (slackSeconds?: number): Decision => ({
  action: 'scale',
  sizeGiB: 150,
  trigger: 'threshold',
  thresholdPercent: 98,
  worstPercent: 99,
  ...(slackSeconds === undefined ? {} : { slackSeconds }),
});

describe('planReclaim', () => {
  it('reclaims first within the budget when the policy projects no time to full', () => {
    expect(planReclaim(scale(), limits, 30_000, 2_000)).toEqual({ mode: 'before-provisioning', targetBytes: 150 * GIB, budgetMs: 30_000 });
  });
  it('shortens the budget to the slack, so the volume still arrives within the lead time', () => {
    expect(planReclaim(scale(10), limits, 30_000, 2_000)).toEqual({ mode: 'before-provisioning', targetBytes: 150 * GIB, budgetMs: 10_000 });
  });
  it('runs both at once when the slack is shorter than a sampling interval', () => {
    expect(planReclaim(scale(1.5), limits, 30_000, 2_000)?.mode).toBe('alongside-provisioning');
    expect(planReclaim(scale(0), limits, 30_000, 2_000)?.mode).toBe('alongside-provisioning');
  });
  it('reclaims alone at a limit, and not at all when there is no pressure', () => {
    expect(planReclaim({ action: 'limit', limit: 'max-total-size', thresholdPercent: 98, worstPercent: 99 }, limits, 30_000, 2_000)?.mode).toBe('at-limit');
    expect(planReclaim({ action: 'none', thresholdPercent: 98, worstPercent: 10 }, limits, 30_000, 2_000)).toBeUndefined();
  });
});

describe('the reclaim step', () => {
  it('buys no volume when reclaiming frees enough', async () => {
    let reclaimer!: InMemoryReclaimer;
    const { clock, driver, provisioner, autoscaler, seen, payload } = memoryWorld({
      reclaimers: (d, c) => [(reclaimer = new InMemoryReclaimer({ driver: d, clock: c, latencyMs: 2_000 }))],
    });
    reclaimer.hold(30 * GIB);
    reclaimer.hold(30 * GIB);
    driver.write(39 * GIB); // 99 of 100 GiB
    const evaluation = autoscaler.evaluate();
    await clock.advance(2_000);
    const result = await evaluation;
    // It lacked 14 GiB (the 15 s net less the 1 GiB free): one 30 GiB item goes, not both.
    expect(result).toMatchObject({ decision: { action: 'none' }, reclaimedBytes: 30 * GIB });
    expect(provisioner.calls.provision).toBe(0);
    expect(seen('reclaim:start', 'reclaim:done', 'reclaim:complete', 'scale:start')).toEqual(['reclaim:start', 'reclaim:done', 'reclaim:complete']);
    expect(payload('reclaim:start')).toMatchObject({ mode: 'before-provisioning', targetBytes: 14 * GIB });
    expect(payload('reclaim:done')).toMatchObject({ reclaimer: 'memory', bytesFreed: 30 * GIB, removed: ['item-1'], late: false });
    expect(autoscaler.status()).toMatchObject({ reclaimers: ['memory'], reclaimedBytes: 30 * GIB });
    expect(reclaimer.heldBytes).toBe(30 * GIB);
    expect((await driver.usage()).usedBytes).toBe(69 * GIB);
  });

  it('asks the next reclaimer only for what the first did not free, and provisions only what both did not', async () => {
    const made: InMemoryReclaimer[] = [];
    const { clock, driver, provisioner, autoscaler, events } = memoryWorld({
      initialGiB: 1000,
      reclaimers: (d, c) =>
        [0, 1].map((i) => {
          const reclaimer = new InMemoryReclaimer({ driver: d, clock: c, name: `r${i}` });
          made.push(reclaimer);
          return reclaimer;
        }),
    });
    made[0]!.hold(10 * GIB);
    made[1]!.hold(5 * GIB);
    driver.write(975 * GIB); // 990 of 1000 GiB: 10 GiB free, below the 98 % threshold's 20 GiB
    await clock.advance(0);
    await autoscaler.evaluate();
    const done = events.filter((e) => e.name === 'reclaim:done').map((e) => [e.payload.reclaimer, e.payload.bytesFreed]);
    expect(done).toEqual([
      ['r0', 10 * GIB],
      ['r1', 5 * GIB],
    ]);
    // 975 of 1000 GiB after reclaiming 15: below the threshold, and nothing bought.
    expect(provisioner.calls.provision).toBe(0);
  });

  it('still provisions when a reclaimer is too slow, as soon as its budget ends', async () => {
    const { clock, driver, provisioner, autoscaler, seen, payload } = memoryWorld({
      reclaimers: (d, c) => {
        const slow = new InMemoryReclaimer({ driver: d, clock: c, latencyMs: 10 * 60_000 });
        slow.hold(50 * GIB);
        return [slow];
      },
    });
    driver.write(49 * GIB); // 99 of 100 GiB, no fill: the policy gives no slack, so the budget (30 s) holds
    const started = clock.now();
    const evaluation = autoscaler.evaluate();
    await clock.advance(30_000);
    expect((await evaluation).scaled).toBe('complete');
    expect(provisioner.calls.provision).toBe(1);
    expect(payload('scale:start')!.at - started).toBe(30_000);
    expect(payload('reclaim:failed')!.error.message).toMatch(/did not finish within the round's budget/);
    expect(payload('reclaim:complete')).toMatchObject({ bytesFreed: 0, timedOut: true });
    expect(seen('reclaim:complete', 'scale:start')).toEqual(['reclaim:complete', 'scale:start']);
  });

  it('runs the reclaimers beside the scale-up when the time to full is short, and no write ever fails', async () => {
    let reclaimer!: InMemoryReclaimer;
    const { clock, driver, provisioner, autoscaler, payload } = memoryWorld({
      latencyMs: 5_000,
      reclaimers: (d, c) => [(reclaimer = new InMemoryReclaimer({ driver: d, clock: c, latencyMs: 60_000 }))],
    });
    reclaimer.hold(20 * GIB);
    autoscaler.start();
    // 2 GiB/s: a 100 GiB disk with 80 free is full in 40 s, the policy's reserve is 30 s.
    for (let second = 0; second < 60; second += 2) {
      driver.write(4 * GIB); // throws on ENOSPC
      await clock.advance(2_000);
    }
    await autoscaler.stop();
    expect(provisioner.calls.provision).toBeGreaterThanOrEqual(1);
    expect(payload('reclaim:start')).toMatchObject({ mode: 'alongside-provisioning' });
    // The scale-up started at once, not after the slow reclaimer.
    expect(payload('scale:start')!.at).toBe(payload('reclaim:start')!.at);
  });

  it('a throwing reclaimer never breaks the loop', async () => {
    const throwing: SpaceReclaimer = {
      name: 'broken',
      estimate: () => {
        throw new Error('cannot reach the Docker socket');
      },
      reclaim: async () => ({ bytesFreed: 0, removed: [] }),
    };
    let rejecting!: InMemoryReclaimer;
    const { clock, driver, provisioner, autoscaler, events } = memoryWorld({
      reclaimers: (d, c) => [throwing, (rejecting = new InMemoryReclaimer({ driver: d, clock: c }))],
    });
    rejecting.hold(1 * GIB);
    rejecting.failNext(new Error('image is being used by a running container'));
    autoscaler.start();
    driver.write(98 * GIB);
    await clock.advance(10_000);
    const failed = events.filter((e) => e.name === 'reclaim:failed').map((e) => [e.payload.reclaimer, (e.payload.error as Error).message]);
    expect(failed).toEqual([
      ['broken', 'cannot reach the Docker socket'],
      ['memory', 'image is being used by a running container'],
    ]);
    expect(provisioner.calls.provision).toBe(1);
    expect(events.filter((e) => e.name === 'error')).toEqual([]);
    expect(autoscaler.status()).toMatchObject({ state: 'running', consecutiveFailures: 0 });
    await autoscaler.stop();
  });

  it('reclaims at a limit, and waits out the cooldown after a round that freed too little', async () => {
    let reclaimer!: InMemoryReclaimer;
    const { clock, driver, provisioner, autoscaler, seen } = memoryWorld({
      policy: createPredictivePolicy({ limits: { maxAttachedVolumes: 1 } }),
      reclaimers: (d, c) => [(reclaimer = new InMemoryReclaimer({ driver: d, clock: c }))],
    });
    reclaimer.hold(1 * GIB);
    driver.write(98.5 * GIB);
    autoscaler.start();
    await clock.advance(0);
    expect(seen('reclaim:start')).toHaveLength(1);
    expect(reclaimer.heldBytes).toBe(0);
    await clock.advance(58_000); // 29 more samples, all at the limit: no round within the 60 s cooldown
    expect(seen('reclaim:start')).toHaveLength(1);
    await clock.advance(2_000);
    expect(seen('reclaim:start')).toHaveLength(2);
    expect(provisioner.calls.provision).toBe(0);
    expect(seen('limit:reached')).toHaveLength(1);
    await autoscaler.stop();
  });

  it('asks the reclaimers before every scale-up, even right after a round that freed nothing (no cooldown there)', async () => {
    let reclaimer!: InMemoryReclaimer;
    // The compatibility policy projects no time to full, so each round runs before its scale-up.
    const { clock, driver, provisioner, autoscaler, seen, events } = memoryWorld({
      policy: createCompatibilityPolicy(),
      reclaimers: (d, c) => [(reclaimer = new InMemoryReclaimer({ driver: d, clock: c }))],
    });
    driver.write(99 * GIB); // nothing to reclaim yet: the round frees 0 and a volume is bought
    const first = autoscaler.evaluate();
    await clock.advance(10_000);
    await first;
    expect(provisioner.calls.provision).toBe(1);
    expect(seen('reclaim:start')).toHaveLength(1);
    // Seconds later a job stopped and left an image as large as the free space: pressure again, and the
    // round before this scale-up takes the image instead of a second volume.
    reclaimer.hold((await driver.usage()).availableBytes - 1 * GIB);
    const second = autoscaler.evaluate();
    await clock.advance(10_000);
    await second;
    expect(seen('reclaim:start')).toHaveLength(2);
    expect(events.filter((e) => e.name === 'reclaim:done').map((e) => (e.payload.bytesFreed as number) > 0)).toEqual([false, true]);
    expect(provisioner.calls.provision).toBe(1);
  });

  it('meets a reservation by reclaiming, with no volume bought, when reclaiming frees enough', async () => {
    let reclaimer!: InMemoryReclaimer;
    const { driver, provisioner, autoscaler, seen } = memoryWorld({ reclaimers: (d, c) => [(reclaimer = new InMemoryReclaimer({ driver: d, clock: c }))] });
    for (let image = 0; image < 8; image += 1) reclaimer.hold(10 * GIB);
    driver.write(10 * GIB); // 90 of 100 GiB used, 80 of them unused images
    const reservation = await autoscaler.reserve({ bytes: 50 * GIB, holder: 'job' });
    expect(reservation.state).toBe('granted');
    expect(provisioner.calls.provision).toBe(0);
    expect(seen('reclaim:complete', 'reservation:granted')).toEqual(['reclaim:complete', 'reservation:granted']);
    expect((await driver.usage()).availableBytes).toBeGreaterThanOrEqual(50 * GIB);
  });

  it('never waits on, nor calls again, a reclaimer that ignores its signal', async () => {
    let calls = 0;
    const hanging: SpaceReclaimer = { name: 'hanging', estimate: async () => 10 * GIB, reclaim: () => ((calls += 1), new Promise(() => undefined)) };
    const { clock, driver, provisioner, autoscaler, seen, events } = memoryWorld({ reclaimers: () => [hanging] });
    driver.write(99 * GIB);
    autoscaler.start();
    await clock.advance(30_000); // the first round's budget
    expect(provisioner.calls.provision).toBe(1);
    await clock.advance(60_000); // past the cooldown of the round that freed nothing
    driver.write(140 * GIB); // pressure again: 239 of 250 GiB
    await clock.advance(60_000);
    expect(seen('reclaim:start').length).toBeGreaterThanOrEqual(2);
    expect(calls).toBe(1);
    // The second round skipped the reclaimer still busy with the first call, and waited for nothing.
    const rounds = events.filter((e) => e.name === 'reclaim:start' || e.name === 'reclaim:complete').map((e) => e.payload.at);
    expect(rounds[2]).toBe(rounds[3]);
    expect(provisioner.calls.provision).toBeGreaterThanOrEqual(2);
    await autoscaler.stop();
  });

  it('refuses a reclaimer without its methods where it is plugged in', () => {
    expect(() => memoryWorld({ reclaimers: () => [{ name: 'x' } as unknown as SpaceReclaimer] })).toThrow(/reclaimers\[0\] lacks estimate\(\), reclaim\(\)/);
  });
});
