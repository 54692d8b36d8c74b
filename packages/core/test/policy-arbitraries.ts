// fast-check arbitraries the policy property tests share: any valid limits, any agent state.
import fc from 'fast-check';
import { resolveLimits, type ScalingLimits, type ScalingState } from '../src/index.js';

/** Any valid limits; `unboundedCreated` also draws an infinite `maxCreatedVolumes` (the default). */
export function anyLimits(options: { unboundedCreated?: boolean } = {}): fc.Arbitrary<ScalingLimits> {
  const created = fc.integer({ min: 1, max: 40 });
  return fc
    .record({
      minVolumeGiB: fc.integer({ min: 1, max: 2000 }),
      spread: fc.integer({ min: 0, max: 16_000 }),
      maxTotalCreatedGiB: fc.integer({ min: 1, max: 64_000 }),
      maxAttachedVolumes: fc.integer({ min: 1, max: 40 }),
      maxCreatedVolumes: options.unboundedCreated ? fc.oneof(created, fc.constant(Number.POSITIVE_INFINITY)) : created,
    })
    .map(({ minVolumeGiB, spread, ...rest }) => resolveLimits({ minVolumeGiB, maxVolumeGiB: minVolumeGiB + spread, ...rest }));
}

/** What an agent may have done so far. */
export const anyState: fc.Arbitrary<ScalingState> = fc.record({
  addedVolumes: fc.integer({ min: 0, max: 40 }),
  addedGiB: fc.integer({ min: 0, max: 64_000 }),
  attachedVolumes: fc.integer({ min: 1, max: 40 }),
});
