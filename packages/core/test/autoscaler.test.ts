import { describe, expect, it } from 'vitest';
import { GIB, ProvisionerError, StorageAutoscaler, createCompatibilityPolicy, type AutoscalerEvents } from '../src/index.js';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '../src/testing.js';

function setup(options: { initialGiB?: number; latencyMs?: number; limits?: Parameters<typeof createCompatibilityPolicy>[0] } = {}) {
  const clock = new ManualClock(1_000_000);
  const host = new MemoryHost();
  const driver = new InMemoryDriver({ host, initialBytes: (options.initialGiB ?? 100) * GIB });
  const provisioner = new InMemoryProvisioner({ host, clock, latencyMs: options.latencyMs ?? 0 });
  const autoscaler = new StorageAutoscaler({
    driver,
    provisioner,
    clock,
    policy: createCompatibilityPolicy(options.limits),
    retry: { initialDelayMs: 10_000, factor: 2, jitter: 0 },
    capacity: { pollMs: 500, timeoutMs: 5_000 },
  });
  const events: { name: keyof AutoscalerEvents; payload: unknown }[] = [];
  const names: (keyof AutoscalerEvents)[] = [
    'usage:sample',
    'threshold:crossed',
    'decision',
    'scale:start',
    'volume:provisioned',
    'device:added',
    'scale:complete',
    'scale:failed',
    'limit:reached',
    'error',
  ];
  for (const name of names) autoscaler.on(name, (payload: unknown) => events.push({ name, payload }));
  const seen = (...wanted: (keyof AutoscalerEvents)[]) => events.map((e) => e.name).filter((n) => wanted.includes(n));
  return { clock, host, driver, provisioner, autoscaler, events, seen };
}

describe('StorageAutoscaler', () => {
  it('samples, decides, provisions, extends and reports, in that order', async () => {
    const { driver, autoscaler, seen, events } = setup();
    driver.write(40 * GIB);
    expect((await autoscaler.evaluate()).decision?.action).toBe('none');
    driver.write(15 * GIB); // 55% of 100 GiB: above the 50% threshold
    const result = await autoscaler.evaluate();
    expect(result).toMatchObject({ decision: { action: 'scale', sizeGiB: 150, trigger: 'threshold' }, scaled: 'complete' });
    expect(seen('threshold:crossed', 'scale:start', 'volume:provisioned', 'device:added', 'scale:complete')).toEqual([
      'threshold:crossed',
      'scale:start',
      'volume:provisioned',
      'device:added',
      'scale:complete',
    ]);
    const complete = events.find((e) => e.name === 'scale:complete')?.payload as Parameters<AutoscalerEvents['scale:complete']>[0];
    expect(complete.beforeTotalBytes).toBe(100 * GIB);
    expect(complete.afterTotalBytes).toBe(250 * GIB);
    expect(await driver.devices()).toHaveLength(2);
    expect(autoscaler.status()).toMatchObject({ addedVolumes: 1, addedGiB: 150, devices: expect.arrayContaining([complete.device]) });
    // 55 of 250 GiB is 22%: back below, nothing more to do.
    expect((await autoscaler.evaluate()).decision?.action).toBe('none');
    expect(seen('threshold:crossed')).toHaveLength(2);
  });

  it('runs on its interval in virtual time and scales as the disk fills', async () => {
    const { clock, driver, provisioner, autoscaler } = setup();
    autoscaler.start();
    for (let second = 0; second < 120; second += 2) {
      driver.write(1 * GIB);
      await clock.advance(2000);
    }
    await autoscaler.stop();
    expect(driver.calls.usage).toBeGreaterThanOrEqual(60);
    // 60 GiB written into 100 GiB: one scale at 50%, then 60/250 stays below.
    expect(provisioner.calls.provision).toBe(1);
    expect(autoscaler.status().state).toBe('stopped');
  });

  it('reports a failed provision, backs off, and succeeds later', async () => {
    const { clock, driver, provisioner, autoscaler, seen, events } = setup();
    provisioner.failNext(new ProvisionerError('memory', 'THROTTLED', 'RequestLimitExceeded', { retryable: true }));
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('failed');
    const failed = events.find((e) => e.name === 'scale:failed')?.payload as Parameters<AutoscalerEvents['scale:failed']>[0];
    expect(failed).toMatchObject({ stage: 'provision', consecutiveFailures: 1 });
    expect(failed.retryAt - clock.now()).toBe(10_000);
    // Within the backoff: no new attempt.
    await clock.advance(5_000);
    expect(await autoscaler.evaluate()).toMatchObject({ skipped: 'backoff' });
    expect(provisioner.calls.provision).toBe(1);
    await clock.advance(5_000);
    expect((await autoscaler.evaluate()).scaled).toBe('complete');
    expect(seen('scale:failed', 'scale:complete')).toEqual(['scale:failed', 'scale:complete']);
    expect(autoscaler.status().consecutiveFailures).toBe(0);
  });

  it('releases the volume when the driver cannot add it, so nothing leaks', async () => {
    const { driver, provisioner, autoscaler } = setup();
    driver.failNextExtend(new Error('btrfs device add failed'));
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('failed');
    expect(await provisioner.list()).toEqual([]);
    expect(provisioner.calls.release).toBe(1);
  });

  it('stops at a limit, reports it once, and makes no further calls', async () => {
    const { driver, provisioner, autoscaler, seen } = setup({ limits: { limits: { maxAttachedVolumes: 2 } } });
    driver.write(60 * GIB);
    await autoscaler.evaluate(); // 100 + 150 GiB, 2 devices
    driver.write(120 * GIB); // 180 of 250 = 72%
    for (let i = 0; i < 5; i += 1) expect((await autoscaler.evaluate()).decision).toMatchObject({ action: 'limit', limit: 'max-attached-volumes' });
    expect(provisioner.calls.provision).toBe(1);
    expect(seen('limit:reached')).toHaveLength(1);
    expect(autoscaler.status().limitReached).toBe('max-attached-volumes');
  });

  it('stop() during a scale waits for the scale to finish', async () => {
    const { clock, driver, autoscaler } = setup({ latencyMs: 3_000 });
    driver.write(60 * GIB);
    autoscaler.start();
    await clock.advance(1); // first evaluate starts; provision now waits 3 s of virtual time
    expect(autoscaler.status().scaling).toBe(true);
    let stopped = false;
    const stopping = autoscaler.stop().then(() => (stopped = true));
    await clock.advance(1_000);
    expect(stopped).toBe(false);
    await clock.advance(3_000);
    await stopping;
    expect(stopped).toBe(true);
    expect(autoscaler.status()).toMatchObject({ state: 'stopped', scaling: false, addedVolumes: 1 });
  });

  it('never runs two evaluations (and so two scales) at once', async () => {
    const { clock, driver, provisioner, autoscaler } = setup({ latencyMs: 1_000 });
    driver.write(60 * GIB);
    const first = autoscaler.evaluate();
    expect(await autoscaler.evaluate()).toEqual({ skipped: 'busy' });
    await clock.advance(1_000);
    await first;
    expect(provisioner.calls.provision).toBe(1);
  });

  it('keeps looping when a listener throws, and reports the throw as an error event', async () => {
    const { clock, driver, autoscaler, events } = setup();
    autoscaler.on('usage:sample', () => {
      throw new Error('listener bug');
    });
    autoscaler.start();
    driver.write(10 * GIB);
    await clock.advance(10_000);
    await autoscaler.stop();
    const errors = events.filter((e) => e.name === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect((errors[0]?.payload as { context: string }).context).toBe("listener of 'usage:sample'");
  });

  it('reports a failing usage sample as an error and samples again next time', async () => {
    const { driver, autoscaler, events } = setup();
    driver.failNextUsage(new Error('statfs failed'));
    expect(await autoscaler.evaluate()).toEqual({ skipped: 'sample-failed' });
    expect(events.some((e) => e.name === 'error')).toBe(true);
    expect((await autoscaler.evaluate()).decision?.action).toBe('none');
  });

  it('uses the predictive policy unless told otherwise', () => {
    expect(setup().autoscaler.policy.name).toBe('compatibility');
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: GIB });
    expect(new StorageAutoscaler({ driver, provisioner: new InMemoryProvisioner({ host }) }).policy.name).toBe('predictive');
  });

  it('reports pressure as a limit when the driver cannot grow', async () => {
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, methods: { extend: false, growInPlace: false } });
    const provisioner = new InMemoryProvisioner({ host, clock });
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock });
    const limits: string[] = [];
    autoscaler.on('limit:reached', (e) => limits.push(e.limit));
    driver.write(90 * GIB);
    await autoscaler.evaluate();
    expect(limits).toEqual(['cannot-grow']);
    expect(provisioner.calls.provision).toBe(0);
  });

  it('grows in place when the driver and the provisioner can', async () => {
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, methods: { extend: false, growInPlace: true } });
    const provisioner = new InMemoryProvisioner({ host, clock });
    const [initial] = await driver.devices();
    const volumeId = provisioner.adopt(initial!, 100);
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy: createCompatibilityPolicy() });
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('complete');
    expect(provisioner.calls.resize).toBe(1);
    // Once at start (a no-op here: nothing pending from an earlier run), once after the resize.
    expect(driver.calls.growInPlace).toBe(2);
    expect((await provisioner.list()).find((v) => v.volumeId === volumeId)?.sizeGiB).toBe(250);
    expect((await driver.usage()).totalBytes).toBe(250 * GIB);
  });

  it('grows the filesystem again while the enlarged device is not yet visible, with one ModifyVolume', async () => {
    // EBS reports the modification before the kernel sees the larger device: the first grow finds
    // nothing to do. The capacity wait grows again on each poll until the filesystem has it.
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, methods: { extend: false, growInPlace: true } });
    const provisioner = new InMemoryProvisioner({ host, clock, resizeVisibleAfterMs: 2500 });
    provisioner.adopt((await driver.devices())[0]!, 100);
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy: createCompatibilityPolicy(), capacity: { pollMs: 1000 } });
    const completed: number[] = [];
    autoscaler.on('scale:complete', (e) => completed.push(e.afterTotalBytes));
    driver.write(60 * GIB);
    const evaluation = autoscaler.evaluate();
    await clock.advance(5000);
    expect((await evaluation).scaled).toBe('complete');
    expect(completed).toEqual([250 * GIB]);
    expect(provisioner.calls.resize).toBe(1);
    // Once at start, right after the resize, then once per poll until the device showed its size at 2.5 s.
    expect(driver.calls.growInPlace).toBe(5);
  });

  /** A static-ext4-like filesystem on one owned 100 GiB volume, 60 GiB used (over the compatibility threshold). */
  async function growInPlaceWorld(options: { resizeVisibleAfterMs?: number; timeoutMs?: number } = {}) {
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, methods: { extend: false, growInPlace: true } });
    const provisioner = new InMemoryProvisioner({ host, clock, resizeVisibleAfterMs: options.resizeVisibleAfterMs ?? 0 });
    const volumeId = provisioner.adopt((await driver.devices())[0]!, 100);
    const create = () =>
      new StorageAutoscaler({
        driver,
        provisioner,
        clock,
        policy: createCompatibilityPolicy(),
        capacity: { pollMs: 1000, timeoutMs: options.timeoutMs ?? 3000 },
        retry: { initialDelayMs: 1000, jitter: 0 },
      });
    driver.write(60 * GIB);
    return { clock, driver, provisioner, volumeId, create };
  }

  it('after a capacity wait that timed out, the next attempt grows onto the volume already enlarged instead of modifying it again', async () => {
    // The device shows its new size at 6 s: after the first attempt gave up (3 s), within the second.
    const { clock, provisioner, driver, create } = await growInPlaceWorld({ resizeVisibleAfterMs: 6000 });
    const autoscaler = create();
    const failures: string[] = [];
    autoscaler.on('scale:failed', (e) => failures.push(e.stage));
    const first = autoscaler.evaluate();
    await clock.advance(4000);
    expect((await first).scaled).toBe('failed');
    expect(failures).toEqual(['capacity']);
    const second = autoscaler.evaluate();
    await clock.advance(3000);
    expect((await second).scaled).toBe('complete');
    expect(provisioner.calls.resize).toBe(1);
    expect((await provisioner.list())[0]?.sizeGiB).toBe(250);
    expect((await driver.usage()).totalBytes).toBe(250 * GIB);
  });

  it('finishes a pending growth even when the policy no longer asks to scale: the capacity is paid for', async () => {
    const { clock, driver, provisioner, create } = await growInPlaceWorld({ resizeVisibleAfterMs: 10_000 });
    const autoscaler = create();
    const first = autoscaler.evaluate();
    await clock.advance(4000);
    expect((await first).scaled).toBe('failed');
    driver.remove(50 * GIB);
    await clock.advance(7000);
    expect((await autoscaler.evaluate()).decision).toMatchObject({ action: 'none' });
    expect((await driver.usage()).totalBytes).toBe(250 * GIB);
    expect(provisioner.calls.resize).toBe(1);
  });

  it('when EBS accepted the modification but the wait for it failed, the retry grows onto it instead of asking again', async () => {
    const { clock, driver, provisioner, create } = await growInPlaceWorld();
    provisioner.failNextResizeWait(new ProvisionerError('memory', 'TIMEOUT', 'the modification did not reach optimizing in time'));
    const autoscaler = create();
    const stages: string[] = [];
    autoscaler.on('scale:failed', (e) => stages.push(e.stage));
    expect((await autoscaler.evaluate()).scaled).toBe('failed');
    expect(stages).toEqual(['resize']);
    await clock.advance(2000);
    expect((await autoscaler.evaluate()).scaled).toBe('complete');
    expect(provisioner.calls.resize).toBe(1);
    expect((await driver.usage()).totalBytes).toBe(250 * GIB);
  });

  it('at start, grows the filesystem onto a volume an earlier run enlarged and stopped before growing onto', async () => {
    const { driver, provisioner, volumeId } = await growInPlaceWorld();
    await provisioner.resize(volumeId, 250);
    expect((await driver.usage()).totalBytes).toBe(100 * GIB);
    await new StorageAutoscaler({ driver, provisioner, policy: createCompatibilityPolicy() }).evaluate();
    expect(driver.calls.growInPlace).toBe(1);
    expect((await driver.usage()).totalBytes).toBe(250 * GIB);
    expect(provisioner.calls.resize).toBe(1);
  });
});
