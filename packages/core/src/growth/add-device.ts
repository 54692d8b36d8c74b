import { releaseIfUnused } from '../release-guard.js';
import type { Growth, GrowthContext, GrowthRequest, GrowthStrategy } from './strategy.js';

/**
 * Grows by adding a device: the provisioner creates and attaches a volume, the driver adds it
 * (btrfs `device add`, LVM `vgextend`). A volume the driver refused is released, so nothing leaks,
 * but only when it is proven not to hold the filesystem (a failed `btrfs device add` may have got far).
 */
export class AddDeviceStrategy implements GrowthStrategy {
  readonly name = 'add-device';

  constructor(
    private readonly context: GrowthContext,
    private readonly extend: (device: string) => Promise<void>,
  ) {}

  async grow(request: GrowthRequest): Promise<Growth> {
    const { provisioner, inventory } = this.context;
    const volume = await provisioner.provision({ sizeGiB: request.sizeGiB, signal: request.signal });
    const { volumeId, device } = volume;
    inventory.add({ volumeId, sizeGiB: volume.sizeGiB, state: 'in-use', device, deleteOnTermination: true });
    request.provisioned(volume);
    request.stage('extend');
    await this.extendOrRelease(volumeId, device);
    return { volumeId, device, addedGiB: request.sizeGiB, fromTotalBytes: request.before.totalBytes };
  }

  private async extendOrRelease(volumeId: string, device: string): Promise<void> {
    const { driver, provisioner, inventory } = this.context;
    try {
      await this.extend(device);
    } catch (error) {
      try {
        const kept = await releaseIfUnused(driver, provisioner, { volumeId, device });
        if (kept) this.context.keep(kept);
        else inventory.drop(volumeId);
      } catch (releaseError) {
        this.context.reportError(releaseError, `releasing ${volumeId} after a failed extend`);
      }
      throw error;
    }
  }
}
