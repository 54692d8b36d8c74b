import { AddDeviceStrategy } from './add-device.js';
import { GrowInPlaceStrategy } from './grow-in-place.js';
import type { GrowthContext, GrowthStrategy } from './strategy.js';

/**
 * The strategy the driver's and the provisioner's methods allow: adding devices when the driver has
 * `extend()`; growing in place when it has `growInPlace()` and the provisioner `resize()`; undefined
 * when neither, and the autoscaler only watches (pressure is a `cannot-grow` limit).
 */
export function chooseGrowth(context: GrowthContext): GrowthStrategy | undefined {
  const { driver, provisioner } = context;
  const { extend, growInPlace } = driver;
  const { resize } = provisioner;
  if (extend) return new AddDeviceStrategy(context, (device) => extend.call(driver, device));
  if (growInPlace && resize) {
    return new GrowInPlaceStrategy(context, { grow: () => growInPlace.call(driver), resize: (volumeId, sizeGiB) => resize.call(provisioner, volumeId, sizeGiB) });
  }
  return undefined;
}
