import type { Clock } from '../clock.js';
import { hasErrorCode } from '../errors.js';
import type { Inventory } from '../inventory.js';
import type { OwnedVolume } from '../volume-provisioner.js';
import { AddDeviceStrategy } from './add-device.js';
import { GrowInPlaceStrategy, type GrowInPlaceMethods } from './grow-in-place.js';
import type { Growth, GrowthContext, GrowthRequest, GrowthStrategy } from './strategy.js';

/** What the hybrid strategy needs besides the plug-ins' methods. */
export interface HybridGrowthOptions {
  /** The largest an EBS volume may become, GiB (`ScalingLimits.maxVolumeGiB`): past it, a device is added instead. */
  readonly maxVolumeGiB: number;
  /** Reads the time a refused volume may be modified again against. */
  readonly clock: Clock;
}

/**
 * When a volume refused without saying when it may be modified again, how long it is left alone, ms.
 * EBS's rule ("wait for `completed`, at most four in a rolling 24 hours") lives in the provisioner,
 * whose refusal normally carries `retryAt`; this is only the fallback for one that does not.
 */
const REFUSAL_BACKOFF_MS = 6 * 60 * 60_000;

/** The newest owned volume under the filesystem: the last the inventory lists, where every volume added in this run goes. */
export function newestOwnedMember(inventory: Inventory): OwnedVolume | undefined {
  return inventory.members().at(-1);
}

/**
 * Grows the newest owned volume in place (ModifyVolume, then the driver's `growInPlace()`) when it may,
 * else adds a device; decided per scale-up. It may when the volume stays within `maxVolumeGiB` and the
 * provisioner did not refuse it lately: EBS's modification rule (the previous modification
 * `completed`, at most four within a rolling 24 hours) is the provisioner's to know, so a refusal
 * (`LIMIT_REACHED`, as provisioner-ebs's `VolumeModificationRateError`) turns this scale-up into an
 * add, and the volume is not asked again before the refusal's `retryAt`. A `THROTTLED` error (the
 * provisioner's retries on ModifyVolume's own token bucket, or a describe before it, ran out) turns it
 * into an add too, but puts no hold on the volume: a throttle says nothing about the volume, and
 * CreateVolume draws on a different bucket. Nothing is left half-done by it: grow-in-place records a
 * pending growth only after `resize()` returns, and a ModifyVolume EBS accepted whose answer was lost
 * shows later as a larger listed size, which grow-in-place adopts (a retry of it meets EBS's
 * in-progress refusal, `LIMIT_REACHED`). In place costs no attachment
 * slot and no CreateVolume token, which is why it comes first. A growth EBS accepted but the filesystem
 * has not shown yet is finished before anything else, as grow-in-place does.
 */
export class HybridGrowthStrategy implements GrowthStrategy {
  readonly name = 'hybrid';
  private readonly inPlace: GrowInPlaceStrategy;
  private readonly addDevice: AddDeviceStrategy;
  /** Volume id → when the provisioner said it may be modified again (ms on the clock). */
  private readonly refusedUntil = new Map<string, number>();
  /** The growths that came from in-place, for `confirmed()`. */
  private readonly inPlaceGrowths = new WeakSet<Growth>();

  constructor(
    private readonly context: GrowthContext,
    methods: GrowInPlaceMethods & { extend(device: string): Promise<void> },
    private readonly options: HybridGrowthOptions,
  ) {
    this.inPlace = new GrowInPlaceStrategy(context, methods, newestOwnedMember);
    this.addDevice = new AddDeviceStrategy(context, (device) => methods.extend(device));
  }

  recover(): Promise<void> {
    return this.inPlace.recover();
  }

  resume(): Promise<void> {
    return this.inPlace.resume();
  }

  async grow(request: GrowthRequest): Promise<Growth> {
    const target = newestOwnedMember(this.context.inventory);
    if (this.inPlace.hasPending || (target !== undefined && this.mayGrowInPlace(target, request.sizeGiB))) {
      try {
        const growth = await this.inPlace.grow(request);
        this.inPlaceGrowths.add(growth);
        return growth;
      } catch (error) {
        if (target === undefined) throw error;
        if (hasErrorCode(error, 'LIMIT_REACHED')) this.refusedUntil.set(target.volumeId, retryAtOf(error) ?? this.options.clock.now() + REFUSAL_BACKOFF_MS);
        else if (!hasErrorCode(error, 'THROTTLED')) throw error;
      }
    }
    request.stage('provision');
    return this.addDevice.grow(request);
  }

  confirmed(growth: Growth): void {
    if (this.inPlaceGrowths.has(growth)) this.inPlace.confirmed();
  }

  /** Within the size limit, and not refused by the provisioner with a `retryAt` still ahead. */
  private mayGrowInPlace(volume: OwnedVolume, sizeGiB: number): boolean {
    if (volume.sizeGiB + sizeGiB > this.options.maxVolumeGiB) return false;
    const until = this.refusedUntil.get(volume.volumeId);
    return until === undefined || this.options.clock.now() >= until;
  }
}

/** The `retryAt` a provisioner's refusal carries (provisioner-ebs's `VolumeModificationRateError`), in ms. */
function retryAtOf(error: unknown): number | undefined {
  const retryAt = (error as { retryAt?: unknown }).retryAt;
  return retryAt instanceof Date ? retryAt.getTime() : undefined;
}
