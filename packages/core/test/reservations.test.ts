import { describe, expect, it } from 'vitest';
import { GIB, StorageAutoscaler, createCompatibilityPolicy, createPredictivePolicy, hasErrorCode } from '../src/index.js';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '../src/testing.js';
import { memoryWorld } from './reservation-world.js';

describe('StorageAutoscaler.reserve()', () => {
  it('grants at once, buying nothing, when the free space already covers it', async () => {
    const { driver, provisioner, autoscaler, seen } = memoryWorld();
    driver.write(10 * GIB);
    const reservation = await autoscaler.reserve({ bytes: 20 * GIB, holder: 'step-1' });
    expect(reservation).toMatchObject({ holder: 'step-1', bytes: 20 * GIB, state: 'granted' });
    expect(provisioner.calls.provision).toBe(0);
    expect(seen('reservation:granted')).toHaveLength(1);
    expect(autoscaler.status()).toMatchObject({ reservedBytes: 20 * GIB, reservations: [expect.objectContaining({ id: reservation.id, state: 'granted' })] });
  });

  it('grows for a reservation larger than the free space in one volume, then grants it covered', async () => {
    const { driver, provisioner, autoscaler, seen, payload } = memoryWorld();
    driver.write(20 * GIB);
    const reservation = await autoscaler.reserve({ bytes: 300 * GIB, holder: 'download' });
    expect(provisioner.calls.provision).toBe(1);
    expect(seen('scale:complete', 'reservation:granted')).toEqual(['scale:complete', 'reservation:granted']);
    const usage = await driver.usage();
    expect(usage.availableBytes).toBeGreaterThanOrEqual(300 * GIB);
    expect(payload('reservation:granted')).toMatchObject({ reservation: { id: reservation.id }, reservedBytes: 300 * GIB });
    // The reservation is written: the writer never runs out of space.
    expect(driver.write(300 * GIB)).toBe(300 * GIB);
  });

  it('needs as few volumes as the maximum size allows under the compatibility policy too', async () => {
    const { provisioner, autoscaler } = memoryWorld({ policy: createCompatibilityPolicy({ limits: { maxVolumeGiB: 1000 } }) });
    await autoscaler.reserve({ bytes: 1200 * GIB, holder: 'big' });
    // 1200 GiB reserved at a 50 % threshold needs 2400 GiB of filesystem: 100 + 1000 + 1000 + a third.
    const sizes = (await provisioner.list()).map((volume) => volume.sizeGiB);
    expect(sizes.slice(0, 2)).toEqual([1000, 1000]);
    expect(sizes).toHaveLength(3);
  });

  it('meets a reservation larger than one volume with the fewest volumes of the maximum size', async () => {
    const { provisioner, autoscaler } = memoryWorld();
    await autoscaler.reserve({ bytes: 2500 * GIB, holder: 'genome' });
    // 2500 GiB reserved, 100 free: 2400 GiB more and the net, in volumes of at most 1500 GiB.
    const sizes = (await provisioner.list()).map((volume) => volume.sizeGiB);
    expect(sizes).toHaveLength(2);
    expect(sizes[0]).toBe(1500);
  });

  it('refuses waiting reservations, and new ones, while the autoscaler stops', async () => {
    const { clock, autoscaler } = memoryWorld({ latencyMs: 5_000 });
    autoscaler.start();
    const pending = autoscaler.reserve({ bytes: 300 * GIB, holder: 'a' }).catch((error: unknown) => error);
    await clock.advance(1);
    const stopping = autoscaler.stop();
    const during = await autoscaler.reserve({ bytes: GIB, holder: 'b' }).catch((error: unknown) => error);
    expect(hasErrorCode(during, 'ABORTED')).toBe(true);
    expect(hasErrorCode(await pending, 'ABORTED')).toBe(true);
    await clock.advance(10_000);
    await stopping;
  });

  it('refuses what the limits cannot cover, before buying anything', async () => {
    const { driver, provisioner, autoscaler, payload } = memoryWorld({ policy: createPredictivePolicy({ limits: { maxTotalCreatedGiB: 500 } }) });
    driver.write(10 * GIB);
    await autoscaler.evaluate(); // a first sample
    const refused = await autoscaler.reserve({ bytes: 1000 * GIB, holder: 'too-big' }).catch((error: unknown) => error);
    expect(hasErrorCode(refused, 'LIMIT_REACHED')).toBe(true);
    expect(String(refused)).toMatch(/Cannot reserve 1000(\.0)? GiB for "too-big".*limits/);
    expect(provisioner.calls.provision).toBe(0);
    expect(payload('reservation:refused')).toMatchObject({ holder: 'too-big', reason: 'limit' });
    expect(autoscaler.reservations()).toEqual([]);
  });

  it('refuses when the filesystem cannot grow at all and the free space does not cover it', async () => {
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, methods: { extend: false } });
    const autoscaler = new StorageAutoscaler({ driver, provisioner: new InMemoryProvisioner({ host, clock }), clock });
    const refused = await autoscaler.reserve({ bytes: 101 * GIB, holder: 'x' }).catch((error: unknown) => error);
    expect(hasErrorCode(refused, 'LIMIT_REACHED')).toBe(true);
    expect(String(refused)).toMatch(/grow by at most 0 B more/);
    // What fits in the free space but not under the policy's headroom is refused as cannot-grow.
    const headroom = await autoscaler.reserve({ bytes: 99 * GIB, holder: 'y' }).catch((error: unknown) => error);
    expect(String(headroom)).toMatch(/cannot grow/);
  });

  it('stops counting a released reservation; release() is idempotent', async () => {
    const { autoscaler, seen } = memoryWorld();
    const reservation = await autoscaler.reserve({ bytes: 5 * GIB, holder: 'a' });
    expect(reservation.release()).toBe(true);
    expect(reservation.release()).toBe(false);
    expect(autoscaler.releaseReservation(reservation.id)).toBe(false);
    expect(autoscaler.status().reservedBytes).toBe(0);
    expect(seen('reservation:released')).toHaveLength(1);
  });

  it('counts a granted reservation less by what its holder has written into it, so writing it buys nothing more', async () => {
    const { driver, provisioner, autoscaler } = memoryWorld();
    driver.write(20 * GIB);
    const reservation = await autoscaler.reserve({ bytes: 300 * GIB, holder: 'download' });
    expect(provisioner.calls.provision).toBe(1);
    const before = (await driver.usage()).totalBytes;
    // The holder writes its 300 GiB in steps, the loop deciding after each: the promise shrinks as
    // the data lands, so the policy never sees written and promised bytes at once.
    for (let step = 1; step <= 10; step += 1) {
      driver.write(30 * GIB);
      await autoscaler.evaluate();
      expect(autoscaler.status().reservedBytes).toBe((300 - 30 * step) * GIB);
    }
    expect(autoscaler.reservations()).toEqual([expect.objectContaining({ id: reservation.id, writtenBytes: 300 * GIB })]);
    expect(provisioner.calls.provision).toBe(1);
    expect((await driver.usage()).totalBytes).toBe(before);
  });

  it('gives the growth since the grants to the oldest grant first, and takes it back on a deletion', async () => {
    const { driver, autoscaler } = memoryWorld({ initialGiB: 1000 });
    const first = await autoscaler.reserve({ bytes: 50 * GIB, holder: 'a' });
    driver.write(20 * GIB);
    await autoscaler.evaluate();
    const second = await autoscaler.reserve({ bytes: 100 * GIB, holder: 'b' });
    driver.write(60 * GIB);
    await autoscaler.evaluate();
    // 80 GiB grew since the first grant, 60 since the second: the first takes its 50, the second the 30 after its grant.
    const written = () => Object.fromEntries(autoscaler.reservations().map((info) => [info.holder, (info.writtenBytes ?? 0) / GIB]));
    expect(written()).toEqual({ a: 50, b: 30 });
    expect(autoscaler.status().reservedBytes).toBe(70 * GIB);
    driver.remove(70 * GIB);
    await autoscaler.evaluate();
    expect(written()).toEqual({ a: 10, b: 0 });
    expect(autoscaler.status().reservedBytes).toBe(140 * GIB);
    first.release();
    second.release();
  });

  it('counts a waiting reservation in full, whatever is written while it waits', async () => {
    const { clock, driver, autoscaler } = memoryWorld({ latencyMs: 5_000 });
    const pending = autoscaler.reserve({ bytes: 300 * GIB, holder: 'waits' });
    await clock.advance(1);
    driver.write(50 * GIB);
    expect(autoscaler.reservations()).toEqual([expect.objectContaining({ state: 'waiting' })]);
    expect(autoscaler.reservations()[0]!.writtenBytes).toBeUndefined();
    expect(autoscaler.status().reservedBytes).toBe(300 * GIB);
    await clock.advance(60_000);
    (await pending).release();
  });

  it('expires a reservation on the autoscaler clock', async () => {
    const { clock, autoscaler, payload } = memoryWorld();
    const reservation = await autoscaler.reserve({ bytes: 5 * GIB, holder: 'a', ttlMs: 60_000 });
    expect(reservation.expiresAt - reservation.grantedAt).toBe(60_000);
    await clock.advance(59_999);
    expect(autoscaler.reservations()).toHaveLength(1);
    await clock.advance(1);
    expect(autoscaler.reservations()).toEqual([]);
    expect(payload('reservation:expired')).toMatchObject({ reservation: { id: reservation.id, holder: 'a' } });
    expect(reservation.release()).toBe(false);
  });

  it('withdraws a waiting reservation when its signal aborts', async () => {
    const { clock, autoscaler, payload } = memoryWorld({ latencyMs: 10_000 });
    const controller = new AbortController();
    const pending = autoscaler.reserve({ bytes: 300 * GIB, holder: 'slow', signal: controller.signal }).catch((error: unknown) => error);
    await clock.advance(1_000);
    expect(autoscaler.reservations()).toMatchObject([{ state: 'waiting', holder: 'slow' }]);
    controller.abort(new Error('job cancelled'));
    const error = await pending;
    expect(hasErrorCode(error, 'ABORTED')).toBe(true);
    expect(String(error)).toMatch(/job cancelled/);
    expect(payload('reservation:refused')).toMatchObject({ reason: 'aborted' });
    expect(autoscaler.reservations()).toEqual([]);
    await clock.advance(20_000); // the scale-up in flight finishes; nothing is left waiting
  });

  it('refuses bad requests with INVALID_ARGUMENT naming the field', async () => {
    const { autoscaler } = memoryWorld();
    const cases = [
      [{ bytes: 0, holder: 'a' }, /bytes must be/],
      [{ bytes: 1.5, holder: 'a' }, /bytes must be/],
      [{ bytes: GIB, holder: '' }, /holder must be/],
      [{ bytes: GIB, holder: 'a', ttlMs: 2 ** 31 }, /ttlMs must be/],
      [{ bytes: GIB, holder: 'a', id: '../x' }, /id must be/],
    ] as const;
    for (const [request, message] of cases) {
      const error = await autoscaler.reserve(request).catch((thrown: unknown) => thrown);
      expect(hasErrorCode(error, 'INVALID_ARGUMENT'), JSON.stringify(request)).toBe(true);
      expect(String(error)).toMatch(message);
    }
    await autoscaler.reserve({ bytes: GIB, holder: 'a', id: 'job-1' });
    const duplicate = await autoscaler.reserve({ bytes: GIB, holder: 'b', id: 'job-1' }).catch((thrown: unknown) => thrown);
    expect(String(duplicate)).toMatch(/already active/);
  });

  it('while the loop runs, a reservation never starts a second scale operation beside the loop', async () => {
    const { clock, driver, provisioner, autoscaler } = memoryWorld({ latencyMs: 3_000 });
    autoscaler.start();
    driver.write(99 * GIB); // the loop scales for this one
    await clock.advance(1);
    const first = autoscaler.reserve({ bytes: 200 * GIB, holder: 'a' });
    const second = autoscaler.reserve({ bytes: 400 * GIB, holder: 'b' });
    for (let i = 0; i < 30; i += 1) await clock.advance(1_000);
    const [a, b] = await Promise.all([first, second]);
    expect([a.state, b.state]).toEqual(['granted', 'granted']);
    expect(provisioner.maxInFlight).toBe(1);
    expect((await driver.usage()).availableBytes).toBeGreaterThanOrEqual(600 * GIB);
    await autoscaler.stop();
  });
});
