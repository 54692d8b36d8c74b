import { DriverError } from '../errors.js';
import type { Inventory } from '../inventory.js';
import type { OwnedVolume } from '../volume-provisioner.js';
import type { Growth, GrowthContext, GrowthRequest, GrowthStrategy } from './strategy.js';

/** What growing in place needs of the plug-ins: the driver's `growInPlace()` and the provisioner's `resize()`. */
export interface GrowInPlaceMethods {
  grow(): Promise<void>;
  resize(volumeId: string, sizeGiB: number): Promise<void>;
}

/** A volume enlarged (EBS accepted the ModifyVolume) whose filesystem has not been seen to grow onto it. */
interface PendingGrowth extends Growth {
  readonly volumeId: string;
}

/**
 * Grows the owned volume under the filesystem (EBS ModifyVolume), then the filesystem onto it
 * (resize2fs). EBS refuses a second ModifyVolume until the first is `completed` and allows four per
 * volume in 24 hours, so a growth it accepted is never asked for twice: it stays pending until the
 * filesystem shows it, and the next attempt, the next sample, or the next start grows onto it.
 */
export class GrowInPlaceStrategy implements GrowthStrategy {
  readonly name = 'grow-in-place';
  private pending: PendingGrowth | undefined;

  /**
   * @param target - Which owned volume to grow: by default the first that backs the filesystem (a
   *   static ext4 has one); the hybrid strategy passes the newest.
   */
  constructor(
    private readonly context: GrowthContext,
    private readonly methods: GrowInPlaceMethods,
    private readonly target: (inventory: Inventory) => OwnedVolume | undefined = (inventory) => inventory.members()[0],
  ) {}

  /** Whether a growth EBS accepted still waits for the filesystem to show it: the next grow() finishes it first. */
  get hasPending(): boolean {
    return this.pending !== undefined;
  }

  /**
   * A volume an earlier run enlarged may still carry a smaller filesystem (stopped between ModifyVolume
   * and resize2fs): grow onto it now, since asking EBS again would spend one of its four modifications.
   * Growing a filesystem that already fills its device does nothing (resize2fs: "Nothing to do", exit 0).
   */
  async recover(): Promise<void> {
    await this.methods.grow().catch((error: unknown) => this.context.reportError(error, 'initialise: growing the filesystem onto its enlarged volume'));
  }

  /**
   * Grows the filesystem onto a volume already enlarged and clears the pending growth once the
   * capacity shows it, whatever the policy decides now: the capacity is paid for. Failures are reported
   * and left for the next evaluation.
   */
  async resume(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    const { driver, capacity } = this.context;
    try {
      await this.methods.grow();
      if ((await driver.usage()).totalBytes >= capacity.grownCapacity(pending)) this.pending = undefined;
    } catch (error) {
      this.context.reportError(error, `growing ${driver.mountPoint} onto ${pending.volumeId}, enlarged by ${pending.addedGiB} GiB`);
    }
  }

  /**
   * Grows the owned volume under the filesystem by `sizeGiB`, then the filesystem. A growth already
   * paid for comes first: one left pending by an earlier attempt, or one EBS accepted although the
   * attempt failed while waiting for it (the provisioner lists the volume larger than we knew).
   */
  async grow(request: GrowthRequest): Promise<Growth> {
    const { driver, provisioner, inventory } = this.context;
    const devices = new Set(inventory.devices);
    if (this.pending && !devices.has(this.pending.device)) this.pending = undefined;
    if (!this.pending) {
      const target = this.target(inventory);
      if (!target?.device) {
        throw new DriverError(
          driver.name,
          'CANNOT_GROW',
          `No volume owned by the ${provisioner.name} provisioner backs ${driver.mountPoint}, so it cannot be grown in place.`,
          {
            hint: 'Create the initial volume through the provisioner (so it is owned), or use a driver that adds devices.',
          },
        );
      }
      const listed = (await provisioner.list()).find((volume) => volume.volumeId === target.volumeId);
      let newSize = target.sizeGiB + request.sizeGiB;
      if (listed && listed.sizeGiB > target.sizeGiB) {
        newSize = listed.sizeGiB;
      } else {
        request.stage('resize');
        await this.methods.resize(target.volumeId, newSize);
      }
      inventory.resize(target.volumeId, newSize);
      this.pending = {
        volumeId: target.volumeId,
        device: target.device,
        addedGiB: newSize - target.sizeGiB,
        fromTotalBytes: request.before.totalBytes,
        // The device's new size can reach the kernel after EBS reports the modification (in the VM's
        // simulator, 50–290 ms later): a grow that ran too early found nothing to do, so grow again
        // while waiting. resize2fs on a filesystem that already fills its device does nothing.
        regrow: () => this.methods.grow(),
      };
    }
    request.stage('grow');
    await this.methods.grow();
    return this.pending;
  }

  confirmed(): void {
    this.pending = undefined;
  }
}
