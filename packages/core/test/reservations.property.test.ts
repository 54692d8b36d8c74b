import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GIB, StorageAutoscaler, createCompatibilityPolicy, createPredictivePolicy, hasErrorCode, type Reservation, type UsageSnapshot } from '../src/index.js';
import { InMemoryDriver, ManualClock, MemoryHost } from '../src/testing.js';
import { CountingProvisioner } from './reservation-world.js';

type Action =
  | { kind: 'reserve'; gib: number; ttlMs: number }
  | { kind: 'release'; pick: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'fill'; gib: number }
  | { kind: 'delete'; gib: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('reserve' as const),
    gib: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 3000 })),
    ttlMs: fc.integer({ min: 1_000, max: 300_000 }),
  }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120_000 }) }),
  fc.record({ kind: fc.constant('fill' as const), gib: fc.integer({ min: 0, max: 400 }) }),
  fc.record({ kind: fc.constant('delete' as const), gib: fc.integer({ min: 0, max: 400 }) }),
);

const worldArb = fc.record({
  policy: fc.constantFrom('predictive', 'compatibility'),
  initialGiB: fc.integer({ min: 10, max: 500 }),
  latencyMs: fc.integer({ min: 0, max: 8_000 }),
  minVolumeGiB: fc.integer({ min: 10, max: 200 }),
  extraMaxGiB: fc.integer({ min: 0, max: 1300 }),
  maxTotalCreatedGiB: fc.integer({ min: 200, max: 6000 }),
  maxAttachedVolumes: fc.integer({ min: 1, max: 8 }),
  maxCreatedVolumes: fc.integer({ min: 1, max: 10 }),
  started: fc.boolean(),
});

describe('reservations, for any order of reserve, release, expire and fill', () => {
  it('grant only what the free space covers, and never exceed a limit or run two scale-ups at once', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, fc.array(actionArb, { minLength: 1, maxLength: 25 }), async (world, actions) => {
        const limits = {
          minVolumeGiB: world.minVolumeGiB,
          maxVolumeGiB: world.minVolumeGiB + world.extraMaxGiB,
          maxTotalCreatedGiB: world.maxTotalCreatedGiB,
          maxAttachedVolumes: world.maxAttachedVolumes,
          maxCreatedVolumes: world.maxCreatedVolumes,
        };
        const clock = new ManualClock(1_000_000);
        const host = new MemoryHost();
        const driver = new InMemoryDriver({ host, initialBytes: world.initialGiB * GIB });
        const provisioner = new CountingProvisioner({ host, clock, latencyMs: world.latencyMs });
        const policy = world.policy === 'predictive' ? createPredictivePolicy({ limits }) : createCompatibilityPolicy({ limits });
        const autoscaler = new StorageAutoscaler({ driver, provisioner, clock, policy, retry: { jitter: 0 } });
        // At each grant: the filesystem's real free space (read synchronously by usage()) and what is granted.
        const grants: { usage: Promise<UsageSnapshot>; grantedBytes: number }[] = [];
        autoscaler.on('reservation:granted', () => {
          const grantedBytes = autoscaler.reservations().reduce((sum, info) => sum + (info.state === 'granted' ? info.bytes - (info.writtenBytes ?? 0) : 0), 0);
          grants.push({ usage: driver.usage(), grantedBytes });
        });
        const errors: Error[] = [];
        autoscaler.on('error', (event) => errors.push(event.error));
        const handles: Reservation[] = [];
        const outcomes: Promise<unknown>[] = [];
        const checkLimits = async () => {
          const owned = await provisioner.list();
          expect(owned.length).toBeLessThanOrEqual(limits.maxCreatedVolumes);
          expect((await driver.devices()).length).toBeLessThanOrEqual(Math.max(1, limits.maxAttachedVolumes));
          expect(owned.reduce((sum, volume) => sum + volume.sizeGiB, 0)).toBeLessThanOrEqual(limits.maxTotalCreatedGiB);
          for (const volume of owned) {
            expect(volume.sizeGiB).toBeGreaterThanOrEqual(limits.minVolumeGiB);
            expect(volume.sizeGiB).toBeLessThanOrEqual(limits.maxVolumeGiB);
          }
          expect(provisioner.maxInFlight).toBeLessThanOrEqual(1);
        };
        if (world.started) autoscaler.start();
        for (const action of actions) {
          switch (action.kind) {
            case 'reserve':
              outcomes.push(
                autoscaler.reserve({ bytes: action.gib * GIB, holder: 'prop', ttlMs: action.ttlMs }).then(
                  (handle) => void handles.push(handle),
                  (error: unknown) => {
                    // Only the documented refusals.
                    expect(hasErrorCode(error, 'LIMIT_REACHED') || hasErrorCode(error, 'ABORTED')).toBe(true);
                  },
                ),
              );
              break;
            case 'release':
              if (handles.length > 0) handles[action.pick % handles.length]!.release();
              break;
            case 'advance':
              await clock.advance(action.ms);
              break;
            case 'fill':
              try {
                driver.write(action.gib * GIB);
              } catch {
                // a full filesystem: what the fill is allowed to find
              }
              break;
            case 'delete':
              driver.remove(action.gib * GIB);
              break;
          }
          await clock.advance(0);
          await checkLimits();
          // Released and expired ones stop counting.
          const now = clock.now();
          for (const info of autoscaler.reservations()) if (info.expiresAt !== undefined) expect(info.expiresAt).toBeGreaterThan(now);
          // What is promised: each reservation less what is written of it, never below 0 nor above its size.
          const listed = autoscaler.reservations();
          for (const info of listed) {
            expect(info.writtenBytes ?? 0).toBeGreaterThanOrEqual(0);
            expect(info.writtenBytes ?? 0).toBeLessThanOrEqual(info.bytes);
            if (info.state === 'waiting') expect(info.writtenBytes).toBeUndefined();
          }
          expect(autoscaler.status().reservedBytes).toBe(listed.reduce((sum, info) => sum + info.bytes - (info.writtenBytes ?? 0), 0));
        }
        // Let every scale-up in flight finish, then stop: every reservation is settled.
        await clock.advance(60_000);
        const stopping = autoscaler.stop();
        await clock.advance(60_000);
        await stopping;
        await Promise.all(outcomes);
        expect(autoscaler.reservations().filter((info) => info.state === 'waiting')).toEqual([]);
        await checkLimits();
        for (const grant of grants) expect((await grant.usage).availableBytes).toBeGreaterThanOrEqual(grant.grantedBytes);
        expect(errors).toEqual([]);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
