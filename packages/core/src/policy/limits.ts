import { EbsAutoscaleError } from '../errors.js';
import { DEFAULT_LIMITS, type LimitKind, type ScalingLimits, type ScalingState } from './policy.js';

/** Fills in defaults and refuses limits that cannot work, naming the field. */
export function resolveLimits(partial: Partial<ScalingLimits> = {}): ScalingLimits {
  const limits: ScalingLimits = { ...DEFAULT_LIMITS, ...definedOnly(partial) };
  const positive: (keyof ScalingLimits)[] = ['minVolumeGiB', 'maxVolumeGiB', 'maxTotalCreatedGiB', 'maxAttachedVolumes', 'maxCreatedVolumes'];
  for (const key of positive) {
    const value = limits[key];
    if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
      throw new EbsAutoscaleError('policy', 'INVALID_ARGUMENT', `limits.${key} must be a positive number, got ${String(value)}.`);
    }
  }
  if (limits.minVolumeGiB > limits.maxVolumeGiB) {
    throw new EbsAutoscaleError(
      'policy',
      'INVALID_ARGUMENT',
      `limits.minVolumeGiB (${limits.minVolumeGiB}) is larger than limits.maxVolumeGiB (${limits.maxVolumeGiB}).`,
      { hint: 'Lower the minimum or raise the maximum.' },
    );
  }
  return Object.freeze(limits);
}

/** The limit that forbids creating one more volume of at least the minimum size, if any. */
export function limitBlockingGrowth(limits: ScalingLimits, state: ScalingState): LimitKind | undefined {
  if (state.attachedVolumes >= limits.maxAttachedVolumes) return 'max-attached-volumes';
  if (state.addedVolumes >= limits.maxCreatedVolumes) return 'max-created-volumes';
  if (limits.maxTotalCreatedGiB - state.addedGiB < limits.minVolumeGiB) return 'max-total-size';
  return undefined;
}

/**
 * The most GiB the limits still let this agent add, in volumes of at most `maxVolumeGiB` in the slots
 * the count limits leave: an upper bound on how far the filesystem can grow, which
 * `StorageAutoscaler.reserve()` checks a reservation against before anything is bought. 0 when a
 * limit blocks growth.
 */
export function addableGiB(limits: ScalingLimits, state: ScalingState): number {
  if (limitBlockingGrowth(limits, state)) return 0;
  const slots = Math.min(limits.maxAttachedVolumes - state.attachedVolumes, limits.maxCreatedVolumes - state.addedVolumes);
  return Math.max(0, Math.min(limits.maxTotalCreatedGiB - state.addedGiB, slots * limits.maxVolumeGiB));
}

/**
 * Clamps a wanted size to [min, max] and to what the total limit leaves. Call only when
 * {@link limitBlockingGrowth} returned nothing: then the result is always within [min, max].
 */
export function clampVolumeSize(wantedGiB: number, limits: ScalingLimits, state: ScalingState): number {
  const remaining = limits.maxTotalCreatedGiB - state.addedGiB;
  // A non-finite wish (a NaN rate from a driver's bad sample) asks for the minimum, never for NaN GiB.
  const wanted = Number.isFinite(wantedGiB) ? wantedGiB : limits.minVolumeGiB;
  const bounded = Math.min(limits.maxVolumeGiB, Math.max(limits.minVolumeGiB, Math.ceil(wanted)));
  return Math.max(limits.minVolumeGiB, Math.min(bounded, Math.floor(remaining)));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
