// Crash recovery as one step of core (issue 14, item 3): the provisioner's reconcile, then the strays,
// then a pending in-place growth, on the injected clock, with core's in-memory cloud in virtual time.
import { describe, expect, it } from 'vitest';
import { GIB, ProvisionerError, StorageAutoscaler, createCompatibilityPolicy, type AutoscalerEventPayload, type ReconcileReport } from '../src/index.js';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '../src/testing.js';

/** A btrfs-like filesystem on one 100 GiB device, and what a killed agent left in the cloud. */
function crashedWorld() {
  const clock = new ManualClock(1_000_000);
  const host = new MemoryHost();
  const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB });
  const provisioner = new InMemoryProvisioner({ host, clock });
  const unattached = provisioner.plant({ state: 'available', sizeGiB: 150 }); // created, never attached
  const stray = provisioner.plant({ state: 'in-use', sizeGiB: 150 }); // attached, never added, no DeleteOnTermination
  const events: { name: string; payload: unknown }[] = [];
  const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy: createCompatibilityPolicy(), recovery: { settleMs: 0 } });
  for (const name of ['recovery:complete', 'volume:kept', 'usage:sample', 'error'] as const) autoscaler.on(name, (payload) => events.push({ name, payload }));
  return { clock, host, driver, provisioner, autoscaler, events, unattached, stray };
}

describe('StorageAutoscaler.recover()', () => {
  it('reconciles, then releases the stray it proves unused, and reports both in recovery:complete', async () => {
    const { provisioner, autoscaler, events, unattached, stray } = crashedWorld();
    const report = await autoscaler.recover();
    expect(report.reconcile).toEqual({ attached: [], deleted: [unattached], deleteOnTerminationSet: [stray] });
    expect(report.strays).toEqual({ adopted: [], released: [stray], kept: [] });
    expect(provisioner.inspect(unattached)).toBeUndefined();
    expect(provisioner.inspect(stray)).toBeUndefined();
    const complete = events.find((event) => event.name === 'recovery:complete')?.payload as AutoscalerEventPayload<'recovery:complete'>;
    expect(complete).toMatchObject({ reconcile: report.reconcile, strays: report.strays, durationMs: 0 });
  });

  it('adopts strays with orphans: attach: the reconcile attaches the unattached one, and both join the filesystem', async () => {
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB });
    const provisioner = new InMemoryProvisioner({ host, clock, orphans: 'attach' });
    const unattached = provisioner.plant({ state: 'available', sizeGiB: 150 });
    const stray = provisioner.plant({ state: 'in-use', sizeGiB: 150 });
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, recovery: { orphans: 'attach', settleMs: 0 } });
    const report = await autoscaler.recover();
    expect(report.reconcile?.attached).toEqual([unattached]);
    expect(report.strays.adopted.sort()).toEqual([unattached, stray].sort());
    expect(await driver.devices()).toHaveLength(3);
    expect(provisioner.calls.release).toBe(0);
  });

  it('waits on the injected clock for devices to appear, then keeps (never releases) what it cannot see', async () => {
    const { clock, provisioner, autoscaler, events } = crashedWorld();
    provisioner.hideDevices();
    let done = false;
    const recovering = autoscaler.recover({ settleMs: 30_000, pollMs: 1000 }).finally(() => (done = true));
    await clock.advance(29_000);
    expect(done, 'still settling in virtual time').toBe(false);
    await clock.advance(2_000);
    const report = await recovering;
    expect(report.strays.kept.map((kept) => kept.reason)).toEqual(['device-not-visible']);
    expect(report.durationMs).toBe(30_000);
    expect(provisioner.calls.release).toBe(0);
    expect(events.filter((event) => event.name === 'volume:kept')).toHaveLength(1);
    expect(autoscaler.status().keptVolumes).toHaveLength(1);
  });

  it('grows onto a volume an earlier run enlarged, as its last step, and only with a grow-in-place driver', async () => {
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, methods: { extend: false, growInPlace: true } });
    const provisioner = new InMemoryProvisioner({ host, clock });
    const volumeId = provisioner.adopt((await driver.devices())[0]!, 100);
    await provisioner.resize(volumeId, 250); // the earlier run stopped before resize2fs
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock });
    await autoscaler.recover();
    expect((await driver.usage()).totalBytes).toBe(250 * GIB);
    expect(driver.calls.growInPlace).toBe(1);
    expect(provisioner.calls.resize).toBe(1);
  });

  it('is the first step of the first evaluation when nobody called it, and runs once', async () => {
    const { provisioner, autoscaler, events, stray } = crashedWorld();
    await autoscaler.evaluate();
    await autoscaler.evaluate();
    expect(events.map((event) => event.name).slice(0, 2)).toEqual(['recovery:complete', 'usage:sample']);
    expect(events.filter((event) => event.name === 'recovery:complete')).toHaveLength(1);
    expect(provisioner.inspect(stray)).toBeUndefined();
  });

  it('is not repeated by the first evaluation after an explicit recover()', async () => {
    const { autoscaler, events } = crashedWorld();
    await autoscaler.recover();
    await autoscaler.evaluate();
    expect(events.filter((event) => event.name === 'recovery:complete')).toHaveLength(1);
  });

  it('throws when the reconcile fails and touches no stray; run by an evaluation, it is an error event and is retried', async () => {
    const clock = new ManualClock();
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB });
    const provisioner = new FailingReconcile({ host, clock });
    const stray = provisioner.plant({ state: 'in-use', sizeGiB: 150 });
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, recovery: { settleMs: 0 } });
    const errors: string[] = [];
    autoscaler.on('error', (event) => errors.push(event.context));
    provisioner.reconcileFailures = 2;
    await expect(autoscaler.recover()).rejects.toThrow(/DescribeVolumes/);
    expect(provisioner.inspect(stray)).toBeDefined();
    expect(await autoscaler.evaluate()).toEqual({ skipped: 'init-failed' });
    expect(errors).toEqual(['initialise: crash recovery (reconcile, strays, pending growth)']);
    expect((await autoscaler.evaluate()).decision?.action).toBe('none');
    expect(provisioner.inspect(stray)).toBeUndefined();
  });
});

/** The in-memory cloud whose next `reconcileFailures` reconciles fail, as EC2 being unreachable at boot. */
class FailingReconcile extends InMemoryProvisioner {
  reconcileFailures = 0;
  override async reconcile(): Promise<ReconcileReport> {
    if (this.reconcileFailures > 0) {
      this.reconcileFailures -= 1;
      throw new ProvisionerError('memory', 'THROTTLED', 'DescribeVolumes: RequestLimitExceeded', { retryable: true });
    }
    return super.reconcile();
  }
}
