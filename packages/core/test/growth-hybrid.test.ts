// The hybrid growth strategy (issue 17): the newest owned volume grows in place while the modification
// rule and the size limit allow, else a device is added; on the in-memory plug-ins, in virtual time.
import { describe, expect, it } from 'vitest';
import { GIB, ProvisionerError, hasErrorCode } from '../src/index.js';
import { CapacityWait } from '../src/growth/capacity-wait.js';
import { chooseGrowth } from '../src/growth/choose-growth.js';
import type { GrowthContext, GrowthRequest, GrowthStrategy } from '../src/growth/strategy.js';
import { Inventory } from '../src/inventory.js';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost, type InMemoryProvisionerOptions } from '../src/testing.js';

const HOUR = 60 * 60_000;

/**
 * The in-memory cloud with EBS's modification rule, refused as provisioner-ebs refuses it
 * (`LIMIT_REACHED` with `retryAt`): a volume's modification counts as `completed` one hour after it
 * started, and a second one before that is refused.
 */
class RuledProvisioner extends InMemoryProvisioner {
  private readonly lastStart = new Map<string, number>();
  /** Resizes the rule refused (`calls.resize` counts only the accepted ones). */
  refused = 0;
  /** Thrown by the next resize instead of anything else. */
  nextResizeError: Error | undefined;
  constructor(private readonly options: InMemoryProvisionerOptions & { clock: ManualClock }) {
    super(options);
  }

  override async resize(volumeId: string, sizeGiB: number): Promise<void> {
    const failure = this.nextResizeError;
    this.nextResizeError = undefined;
    if (failure) throw failure;
    const now = this.options.clock.now();
    const last = this.lastStart.get(volumeId);
    if (last !== undefined && now - last < HOUR) {
      this.refused += 1;
      throw Object.assign(
        new ProvisionerError('memory', 'LIMIT_REACHED', `the last modification of ${volumeId} has not completed.`, { volumeId, retryable: true }),
        {
          retryAt: new Date(last + HOUR),
        },
      );
    }
    this.lastStart.set(volumeId, now);
    await super.resize(volumeId, sizeGiB);
  }
}

async function world(maxVolumeGiB = 16_384) {
  const clock = new ManualClock();
  const host = new MemoryHost();
  const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB, methods: { extend: true, growInPlace: true } });
  const provisioner = new RuledProvisioner({ host, clock });
  const initialVolume = provisioner.adopt((await driver.devices())[0]!, 100);
  const inventory = new Inventory();
  const errors: unknown[] = [];
  const context: GrowthContext = {
    driver,
    provisioner,
    inventory,
    capacity: new CapacityWait(driver, clock),
    keep: () => {},
    reportError: (error) => errors.push(error),
  };
  const strategy = chooseGrowth(context, { hybrid: { maxVolumeGiB, clock } })!;
  /** One scale-up as the loop runs it: refresh the inventory, grow, confirm. */
  const scaleUp = async (sizeGiB: number, on: GrowthStrategy = strategy) => {
    inventory.devices = await driver.devices();
    inventory.volumes = await provisioner.list();
    const request: GrowthRequest = {
      operationId: 1,
      sizeGiB,
      before: await driver.usage(),
      signal: new AbortController().signal,
      stage: () => {},
      provisioned: () => {},
    };
    const growth = await on.grow(request);
    on.confirmed?.(growth);
    return growth;
  };
  return { clock, driver, provisioner, initialVolume, inventory, errors, strategy, scaleUp };
}

describe('HybridGrowthStrategy', () => {
  it('is chosen only when asked for and the driver can both add devices and grow in place', async () => {
    const { strategy } = await world();
    expect(strategy.name).toBe('hybrid');
    const host = new MemoryHost();
    const clock = new ManualClock();
    const context = (driver: InMemoryDriver): GrowthContext => ({
      driver,
      provisioner: new InMemoryProvisioner({ host, clock }),
      inventory: new Inventory(),
      capacity: new CapacityWait(driver, clock),
      keep: () => {},
      reportError: () => {},
    });
    const both = new InMemoryDriver({ host, initialBytes: GIB, methods: { extend: true, growInPlace: true } });
    expect(chooseGrowth(context(both))?.name, 'not asked for: adding devices stays the default').toBe('add-device');
    const addOnly = new InMemoryDriver({ host, initialBytes: GIB });
    expect(chooseGrowth(context(addOnly), { hybrid: { maxVolumeGiB: 100, clock } })?.name).toBe('add-device');
  });

  it('grows the newest owned volume in place while the rule allows, and adds a device when it refuses', async () => {
    const { clock, driver, provisioner, initialVolume, scaleUp } = await world();
    const first = await scaleUp(50);
    expect(first.volumeId).toBe(initialVolume);
    expect(provisioner.calls).toMatchObject({ resize: 1, provision: 0 });
    expect((await driver.usage()).totalBytes).toBe(150 * GIB);

    // Within the hour the modification has not completed: the provisioner refuses, and a device is added instead.
    await clock.advance(10 * 60_000);
    const second = await scaleUp(50);
    expect(second.volumeId).not.toBe(initialVolume);
    expect(provisioner).toMatchObject({ refused: 1, calls: { resize: 1, provision: 1 } });

    // The newest owned volume is now the added one, never modified: it grows in place.
    const third = await scaleUp(50);
    expect(third.volumeId).toBe(second.volumeId);
    expect(provisioner).toMatchObject({ refused: 1, calls: { resize: 2, provision: 1 } });
    expect((await driver.usage()).totalBytes).toBe(250 * GIB);
  });

  it('does not ask a refused volume again before its retryAt, and asks again after it', async () => {
    const { clock, provisioner, initialVolume, scaleUp } = await world();
    await scaleUp(50);
    await clock.advance(60_000);
    // Refused, and the add behind it fails too: the refused volume stays the newest.
    provisioner.failNext(new ProvisionerError('memory', 'INSUFFICIENT_CAPACITY', 'no capacity.', { retryable: true }));
    expect(hasErrorCode(await scaleUp(10).catch((error: unknown) => error), 'INSUFFICIENT_CAPACITY')).toBe(true);
    expect(provisioner).toMatchObject({ refused: 1, calls: { resize: 1, provision: 1 } });
    provisioner.failNext(new ProvisionerError('memory', 'INSUFFICIENT_CAPACITY', 'no capacity.', { retryable: true }));
    await scaleUp(10).catch(() => undefined);
    expect(provisioner, 'before retryAt: straight to adding a device').toMatchObject({ refused: 1, calls: { resize: 1, provision: 2 } });
    await clock.advance(HOUR);
    const growth = await scaleUp(10);
    expect(growth.volumeId).toBe(initialVolume);
    expect(provisioner).toMatchObject({ refused: 1, calls: { resize: 2, provision: 2 } });
  });

  it('adds a device when growing the newest volume would pass maxVolumeGiB', async () => {
    const { provisioner, initialVolume, scaleUp } = await world(120);
    const growth = await scaleUp(50);
    expect(growth.volumeId).not.toBe(initialVolume);
    expect(provisioner.calls).toMatchObject({ resize: 0, provision: 1 });
  });

  it('adds a device when the in-place path was throttled, and tries the volume in place again next time', async () => {
    const { provisioner, initialVolume, scaleUp } = await world();
    // provisioner-ebs throws THROTTLED once its retries on ModifyVolume's token bucket run out.
    provisioner.nextResizeError = new ProvisionerError('memory', 'THROTTLED', 'ModifyVolume was throttled.', { retryable: true });
    const growth = await scaleUp(50);
    expect(growth.volumeId).not.toBe(initialVolume);
    expect(provisioner.calls).toMatchObject({ resize: 0, provision: 1 });
    // No hold on a volume after a throttle: throttled again, and the add behind it fails, so the same
    // volume stays the newest; the next scale-up grows it in place at once (a refusal would have held it).
    provisioner.nextResizeError = new ProvisionerError('memory', 'THROTTLED', 'ModifyVolume was throttled.', { retryable: true });
    provisioner.failNext(new ProvisionerError('memory', 'INSUFFICIENT_CAPACITY', 'no capacity.', { retryable: true }));
    expect(hasErrorCode(await scaleUp(50).catch((error: unknown) => error), 'INSUFFICIENT_CAPACITY')).toBe(true);
    const next = await scaleUp(50);
    expect(next.volumeId).toBe(growth.volumeId);
    expect(provisioner.calls).toMatchObject({ resize: 1, provision: 2 });
  });

  it('lets any other resize failure through, without adding a device behind it', async () => {
    const { provisioner, scaleUp } = await world();
    provisioner.nextResizeError = new ProvisionerError('memory', 'INTERNAL', 'ModifyVolume failed.', { retryable: false });
    const error = await scaleUp(50).catch((caught: unknown) => caught);
    expect(hasErrorCode(error, 'INTERNAL')).toBe(true);
    expect(provisioner.calls.provision).toBe(0);
  });
});
