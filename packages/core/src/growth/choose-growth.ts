import { AddDeviceStrategy } from './add-device.js';
import { GrowInPlaceStrategy } from './grow-in-place.js';
import { HybridGrowthStrategy, type HybridGrowthOptions } from './hybrid.js';
import type { GrowthContext, GrowthStrategy } from './strategy.js';

/** What the embedder asked for beyond what the plug-ins can do. */
export interface GrowthChoice {
  /**
   * Grow the newest owned volume in place before adding one ({@link HybridGrowthStrategy}), when the
   * driver has both `extend()` and `growInPlace()` and the provisioner `resize()`. Default: off, and a
   * driver that adds devices only adds them.
   */
  readonly hybrid?: HybridGrowthOptions;
}

/**
 * The strategy the driver's and the provisioner's methods allow: hybrid when asked for and the driver
 * can do both (btrfs); adding devices when the driver has `extend()`; growing in place when it has
 * `growInPlace()` and the provisioner `resize()`; undefined when neither, and the autoscaler only
 * watches (pressure is a `cannot-grow` limit).
 */
export function chooseGrowth(context: GrowthContext, choice: GrowthChoice = {}): GrowthStrategy | undefined {
  const { driver, provisioner } = context;
  const { extend, growInPlace } = driver;
  const { resize } = provisioner;
  const inPlace =
    growInPlace && resize
      ? { grow: () => growInPlace.call(driver), resize: (volumeId: string, sizeGiB: number) => resize.call(provisioner, volumeId, sizeGiB) }
      : undefined;
  if (extend && inPlace && choice.hybrid) {
    return new HybridGrowthStrategy(context, { ...inPlace, extend: (device) => extend.call(driver, device) }, choice.hybrid);
  }
  if (extend) return new AddDeviceStrategy(context, (device) => extend.call(driver, device));
  if (inPlace) return new GrowInPlaceStrategy(context, inPlace);
  return undefined;
}
