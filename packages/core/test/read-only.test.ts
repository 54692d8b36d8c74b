// A read-only remount under a running autoscaler (issue 12, item 8), in virtual time on the memory driver.
import { describe, expect, it } from 'vitest';
import { GIB, StorageAutoscaler, createCompatibilityPolicy, type AutoscalerEventName } from '../src/index.js';
import { InMemoryDriver, InMemoryProvisioner, ManualClock, MemoryHost } from '../src/testing.js';

describe('a mount that turns read-only', () => {
  it('is noticed at the next sample, blocks every scale-up while it lasts, and scaling resumes once it is writable again', async () => {
    const clock = new ManualClock(1_000_000);
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB });
    const provisioner = new InMemoryProvisioner({ host, clock });
    const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy: createCompatibilityPolicy(), capacity: { pollMs: 500, timeoutMs: 5_000 } });
    const events: { name: AutoscalerEventName; at: number }[] = [];
    for (const name of ['mount:read-only', 'mount:writable', 'scale:start', 'scale:failed'] as const)
      autoscaler.on(name, (event) => events.push({ name, at: event.at }));
    const interval = autoscaler.policy.intervalMs;

    autoscaler.start();
    await clock.advance(interval);
    driver.write(60 * GIB); // above the compatibility policy's 50%: it would scale at the next sample
    driver.remount('ro');
    const remountedAt = clock.now();
    await clock.advance(interval);
    expect(events.map((e) => e.name)).toEqual(['mount:read-only']);
    expect(events[0]!.at - remountedAt).toBeLessThanOrEqual(interval);
    expect(autoscaler.status()).toMatchObject({ readOnly: true, scaling: false, consecutiveFailures: 0 });

    // Ten minutes read-only and over the threshold: no scale-up attempted, the event not repeated.
    await clock.advance(10 * 60_000);
    expect(provisioner.calls.provision).toBe(0);
    expect(driver.calls.extend).toBe(0);
    expect(events.map((e) => e.name)).toEqual(['mount:read-only']);
    expect(autoscaler.status().readOnly).toBe(true);

    driver.remount('rw');
    await clock.advance(interval);
    await clock.advance(interval);
    expect(events.map((e) => e.name)).toEqual(['mount:read-only', 'mount:writable', 'scale:start']);
    expect(autoscaler.status()).toMatchObject({ readOnly: false, addedVolumes: 1 });
    await autoscaler.stop();
  });

  it('evaluate() says why it did not decide', async () => {
    const host = new MemoryHost();
    const driver = new InMemoryDriver({ host, initialBytes: 100 * GIB });
    const autoscaler = new StorageAutoscaler({
      driver,
      provisioner: new InMemoryProvisioner({ host }),
      clock: new ManualClock(),
      policy: createCompatibilityPolicy(),
    });
    driver.write(90 * GIB);
    driver.remount('ro');
    expect(await autoscaler.evaluate()).toEqual({ skipped: 'read-only' });
  });
});
