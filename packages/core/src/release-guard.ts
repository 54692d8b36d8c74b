import type { FilesystemDriver } from './filesystem-driver.js';
import type { OwnedVolume, VolumeProvisioner } from './volume-provisioner.js';

/** What the guard needs to know of a volume: its id, the device found for it, and the cloud's state when known. */
export type GuardedVolume = Pick<OwnedVolume, 'volumeId' | 'device'> & { readonly state?: string };

/**
 * Cloud states in which a volume is attached to no instance: it cannot be a device of a filesystem
 * mounted here, so it is unused without asking the kernel (the rule provisioner-ebs's reconcile
 * deletes by).
 */
const UNATTACHED_STATES = new Set(['available', 'error']);

/** Why a volume that was up for release was kept instead. */
export type KeptReason =
  /** The provisioner sees no block device for it, so nothing can prove it holds no data. */
  | 'device-not-visible'
  /** The kernel says the filesystem lives on it (a member, a partition of it, or something stacked on it). */
  | 'holds-filesystem'
  /** The driver could not tell (it threw). */
  | 'unverifiable';

/** A volume kept although it was up for release, and what to check. */
export interface KeptVolume {
  readonly volumeId: string;
  /** The device the provisioner reported, when it saw one. */
  readonly device?: string;
  readonly reason: KeptReason;
  /** What the operator should check, in one sentence. */
  readonly hint: string;
}

/**
 * Decides whether `volume` may be released: only when it is **proven** not to hold the filesystem.
 * That takes either a volume attached nowhere (`available`, `error`), or a device the provisioner found
 * for this volume id (by NVMe serial, for EBS) and the driver's `holdsDevice()` answering `false` from
 * the kernel. Anything less (an attached volume with no visible device, a driver that cannot tell)
 * keeps the volume: releasing a member deletes the filesystem's data (issue 12, item 1).
 * Returns undefined when the volume may go, or why it stays.
 */
export async function proveUnused(driver: FilesystemDriver, volume: GuardedVolume): Promise<KeptVolume | undefined> {
  const { volumeId, device } = volume;
  if (volume.state !== undefined && UNATTACHED_STATES.has(volume.state)) return undefined;
  if (device === undefined) {
    return {
      volumeId,
      reason: 'device-not-visible',
      hint: `No block device of ${volumeId} is visible, so it cannot be proven unused: check udev, the volume's /dev/disk/by-id link, and that the agent's dev root (--dev-root) is this host's /dev.`,
    };
  }
  try {
    if (!(await driver.holdsDevice(device))) return undefined;
    return {
      volumeId,
      device,
      reason: 'holds-filesystem',
      hint: `The kernel lists ${device} (or a partition of it, or a device on top of it) under ${driver.mountPoint}; it stays.`,
    };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      volumeId,
      device,
      reason: 'unverifiable',
      hint: `Could not read what ${device} holds (${detail}); check the device node and the agent's sys root (--sys-root).`,
    };
  }
}

/**
 * Releases `volume` through the provisioner when {@link proveUnused} proves it unused; otherwise
 * releases nothing and returns why it was kept. Every path that releases an owned volume the
 * filesystem may have used goes through here: start-up's stray handling, the clean-up after a failed
 * add, and uninstall.
 *
 * @example
 * ```ts
 * const kept = await releaseIfUnused(driver, provisioner, { volumeId, device });
 * if (kept) console.warn(`kept ${kept.volumeId}: ${kept.hint}`);
 * ```
 */
export async function releaseIfUnused(driver: FilesystemDriver, provisioner: VolumeProvisioner, volume: GuardedVolume): Promise<KeptVolume | undefined> {
  const kept = await proveUnused(driver, volume);
  if (kept === undefined) await provisioner.release(volume.volumeId);
  return kept;
}
