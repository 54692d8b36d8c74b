import type { KeptVolume } from './release-guard.js';
import type { OwnedVolume } from './volume-provisioner.js';

/**
 * What the autoscaler knows of the filesystem's devices and of the volumes it owns, as last listed
 * and as its own operations changed them since. The loop reads it for `status()` and the policy's
 * state; growth strategies update it. No I/O.
 */
export class Inventory {
  /** The filesystem's block devices, as the driver last listed them. */
  devices: readonly string[] = [];
  /** The volumes this agent owns, as the provisioner listed them and as growth changed them. */
  volumes: readonly OwnedVolume[] = [];
  /** Volumes up for release that could not be proven unused. */
  kept: readonly KeptVolume[] = [];

  /** Records a volume just provisioned and attached. */
  add(volume: OwnedVolume): void {
    this.volumes = [...this.volumes, volume];
  }

  /** Forgets a volume that was released. */
  drop(volumeId: string): void {
    this.volumes = this.volumes.filter((volume) => volume.volumeId !== volumeId);
  }

  /** Records a volume's new size after it was grown in place. */
  resize(volumeId: string, sizeGiB: number): void {
    this.volumes = this.volumes.map((volume) => (volume.volumeId === volumeId ? { ...volume, sizeGiB } : volume));
  }

  /** Records (or replaces) a kept volume. */
  keep(kept: KeptVolume): void {
    this.kept = [...this.kept.filter((entry) => entry.volumeId !== kept.volumeId), kept];
  }

  /** The owned volumes that back a device of the filesystem. */
  members(): OwnedVolume[] {
    const devices = new Set(this.devices);
    return this.volumes.filter((volume) => volume.device !== undefined && devices.has(volume.device));
  }

  /**
   * Volumes this agent added, the initial device not included (`ScalingState.addedVolumes`). The owned
   * volumes, less one when every device of the filesystem is owned: then one of them is the initial
   * volume, which install created through the provisioner (or which grow-in-place adopted).
   */
  addedVolumes(): number {
    const members = this.members().length;
    const initialOwned = members > 0 && members >= this.devices.length;
    return Math.max(0, this.volumes.length - (initialOwned ? 1 : 0));
  }

  /** Total GiB of the owned volumes. */
  ownedGiB(): number {
    return this.volumes.reduce((sum, volume) => sum + volume.sizeGiB, 0);
  }
}
