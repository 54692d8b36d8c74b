// The release guard of issue 12, item 1: a volume is released only when it is proven not to hold the
// filesystem. Core's in-memory driver and provisioner, in virtual time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GIB, StorageAutoscaler, createCompatibilityPolicy, proveUnused, type AutoscalerEventPayload } from '../src/index.js';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '../src/testing.js';

function setup() {
  const clock = new ManualClock(1_000_000);
  const host = new MemoryHost();
  const driver = new PartialAddDriver({ host, initialBytes: 100 * GIB });
  const provisioner = new InMemoryProvisioner({ host, clock });
  const autoscaler = new StorageAutoscaler({
    driver,
    provisioner,
    clock,
    policy: createCompatibilityPolicy(),
    retry: { initialDelayMs: 10_000, jitter: 0 },
    capacity: { pollMs: 500, timeoutMs: 5_000 },
  });
  const kept: AutoscalerEventPayload<'volume:kept'>[] = [];
  autoscaler.on('volume:kept', (event) => kept.push(event));
  return { clock, host, driver, provisioner, autoscaler, kept };
}

/** The in-memory driver whose next extend() can add the device and then fail, as a `btrfs device add` that timed out after the add. */
class PartialAddDriver extends InMemoryDriver {
  failAfterAdd = false;
  override async addDevice(device: string): Promise<void> {
    await super.addDevice(device);
    if (this.failAfterAdd) throw new Error('btrfs device add timed out (after the device was added)');
  }
}

/** A member volume the provisioner owns, as after install (A) and one scale-up (B). */
async function twoMembers({ driver, provisioner }: ReturnType<typeof setup>) {
  const [initial] = await driver.devices();
  const a = provisioner.adopt(initial!, 100);
  const b = await provisioner.provision({ sizeGiB: 50 });
  await driver.addDevice(b.device);
  return [a, b.volumeId];
}

describe('start-up strays (autoscaler.recover)', () => {
  it('keeps and reports every volume whose device cannot be seen, after the settle on the injected clock; releases none', async () => {
    const world = setup();
    const { clock, provisioner, autoscaler, kept } = world;
    const members = await twoMembers(world);
    provisioner.hideDevices(); // a container's own /dev, or udev lagging at boot
    const settling = autoscaler.recover({ orphans: 'delete', settleMs: 30_000, pollMs: 1000 }).then((recovery) => recovery.strays);
    await clock.advance(29_000);
    expect(provisioner.calls.list, 'still settling: it polls on the clock').toBeGreaterThan(20);
    await clock.advance(2_000);
    const report = await settling;
    expect(report.released).toEqual([]);
    expect(report.kept.map((volume) => volume.volumeId).sort()).toEqual([...members].sort());
    expect(provisioner.calls.release).toBe(0);
    expect((await provisioner.list()).map((volume) => volume.volumeId).sort()).toEqual([...members].sort());
    expect(kept.map((event) => event.reason)).toEqual(['device-not-visible', 'device-not-visible']);
    expect(kept[0]?.hint).toMatch(/udev.*by-id.*dev root/);
    expect(
      autoscaler
        .status()
        .keptVolumes.map((volume) => volume.volumeId)
        .sort(),
    ).toEqual([...members].sort());
  });

  it('releases a visible stray the filesystem does not hold, adopts one with orphans: attach, and leaves members alone', async () => {
    const world = setup();
    const { host, driver, provisioner, autoscaler } = world;
    const members = await twoMembers(world);
    const stray = await provisioner.provision({ sizeGiB: 20 });
    const deleted = (await autoscaler.recover({ orphans: 'delete', settleMs: 0 })).strays;
    expect(deleted).toEqual({ adopted: [], released: [stray.volumeId], kept: [] });
    expect(host.devices.has(stray.device)).toBe(false);
    const again = await provisioner.provision({ sizeGiB: 20 });
    expect((await autoscaler.recover({ orphans: 'attach', settleMs: 0 })).strays).toEqual({ adopted: [again.volumeId], released: [], kept: [] });
    expect(await driver.devices()).toContain(again.device);
    expect((await provisioner.list()).map((volume) => volume.volumeId)).toEqual(expect.arrayContaining(members));
  });
});

describe('clean-up after a failed add (extendOrRelease)', () => {
  it('keeps a volume the failed extend() left in the filesystem, and reports it', async () => {
    const { driver, provisioner, autoscaler, kept } = setup();
    driver.failAfterAdd = true;
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('failed');
    expect(provisioner.calls.release).toBe(0);
    const [volume] = await provisioner.list();
    expect(await driver.devices()).toContain(volume?.device);
    expect(kept).toMatchObject([{ volumeId: volume?.volumeId, reason: 'holds-filesystem' }]);
  });

  it('still releases a volume the failed extend() never added', async () => {
    const { driver, provisioner, autoscaler, kept } = setup();
    driver.failNextExtend(new Error('btrfs device add failed'));
    driver.write(60 * GIB);
    expect((await autoscaler.evaluate()).scaled).toBe('failed');
    expect(provisioner.calls.release).toBe(1);
    expect(kept).toEqual([]);
  });
});

describe('proveUnused', () => {
  it('proves nothing unless the driver answers false for a device it sees: no device, a member, or a throw all keep', async () => {
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: GIB });
    const [member] = await driver.devices();
    const blank = host.attach(GIB);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<string | undefined>(undefined, member, blank, '/dev/gone'), async (device) => {
        const verdict = await proveUnused(driver, { volumeId: 'vol-1', ...(device === undefined ? {} : { device }) });
        expect(verdict === undefined).toBe(device === blank);
        if (verdict) expect(verdict.reason).toBe(device === undefined ? 'device-not-visible' : device === member ? 'holds-filesystem' : 'unverifiable');
      }),
    );
  });
});
