import { hasErrorCode } from '../errors.js';
import type { FilesystemDriver } from '../filesystem-driver.js';
import type { Inventory } from '../inventory.js';
import { releaseIfUnused, type KeptVolume } from '../release-guard.js';
import { GIB } from '../units.js';
import type { VolumeProvisioner } from '../volume-provisioner.js';
import type { ShrinkCandidate } from './shrink-decision.js';

/** What a shrink works with: the loop's plug-ins and inventory. */
export interface ShrinkContext {
  readonly driver: FilesystemDriver;
  readonly provisioner: VolumeProvisioner;
  readonly inventory: Inventory;
  /** Records a volume kept although it was up for release, and emits `volume:kept`. */
  keep(kept: KeptVolume): void;
}

/**
 * The volume a shrink would give back: the newest owned volume under the filesystem, while it has more
 * than one device. Which of the owned volumes is the initial one is not known here (the initial device
 * may be owned, when install created it through the provisioner); the driver refuses an initial device
 * itself (`INVALID_ARGUMENT`) and nothing changes.
 */
export function shrinkCandidate(inventory: Inventory, bytesPerGiB = GIB): ShrinkCandidate | undefined {
  if (inventory.devices.length < 2) return undefined;
  const newest = inventory.members().at(-1);
  if (newest?.device === undefined) return undefined;
  return { volumeId: newest.volumeId, device: newest.device, sizeBytes: newest.sizeGiB * bytesPerGiB };
}

/**
 * One shrink: the driver takes the device out of the filesystem online (`removeDevice()`, which moves
 * its data to the others), then the volume is released only when the kernel shows the filesystem no
 * longer lives on it (`releaseIfUnused()`); otherwise it is kept and reported. A removal cancelled
 * through `signal` (`ABORTED`) leaves the device a member and releases nothing; any other failure
 * throws, with nothing released either.
 *
 * @returns `released`; `kept` (removed from the filesystem, but not proven unused); or `cancelled`.
 */
export async function removeAndRelease(
  context: ShrinkContext,
  candidate: ShrinkCandidate,
  removeDevice: (device: string, options: { signal?: AbortSignal }) => Promise<void>,
  signal?: AbortSignal,
): Promise<'released' | 'kept' | 'cancelled'> {
  try {
    await removeDevice(candidate.device, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted && hasErrorCode(error, 'ABORTED')) return 'cancelled';
    throw error;
  }
  const kept = await releaseIfUnused(context.driver, context.provisioner, { volumeId: candidate.volumeId, device: candidate.device });
  if (kept) {
    context.keep(kept);
    return 'kept';
  }
  context.inventory.drop(candidate.volumeId);
  context.inventory.devices = context.inventory.devices.filter((device) => device !== candidate.device);
  return 'released';
}
