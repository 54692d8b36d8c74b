import { lstat, readlink, rm, symlink } from 'node:fs/promises';
import type { Ec2Simulator } from '@ebs-autoscale/ec2-sim';

/**
 * What Amazon Linux's udev rule (ec2-utils' 70-ec2-nvme-devices.rules) does on a Nitro instance: a
 * link from the device name given to AttachVolume (`/dev/xvdba`) to the NVMe device. The simulator
 * shows only NVMe-style names, in its sandbox; amazon-ebs-autoscale looks for `/dev/xvdbX` in the
 * real /dev, so this makes `/dev/xvdbX → /dev/loopN` for each attached volume and removes it on
 * detach. Polls every 50 ms, about udev's delay.
 */
export class XvdLinks {
  private readonly links = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private busy = Promise.resolve();

  constructor(private readonly sim: Ec2Simulator) {
    this.timer = setInterval(() => (this.busy = this.busy.then(() => this.sync()).catch(() => undefined)), 50);
  }

  /** Refuses to start over names the host already has: they are not ours to replace. */
  static async assertFree(): Promise<void> {
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
      const path = `/dev/xvdb${letter}`;
      if (
        await lstat(path).then(
          () => true,
          () => false,
        )
      )
        throw new Error(`[ebs-autoscale] [bench] ${path} exists on this host: the baseline names its devices /dev/xvdbX; remove it or run elsewhere`);
    }
  }

  private async sync(): Promise<void> {
    const wanted = new Map<string, string>();
    for (const volume of this.sim.volumes()) {
      const device = volume.attachment?.device;
      if (volume.attachment?.state === 'attached' && volume.loopDevice && device?.startsWith('/dev/xvdb')) wanted.set(device, volume.loopDevice);
    }
    for (const [path, target] of wanted) {
      if (this.links.get(path) === target) continue;
      await rm(path, { force: true });
      await symlink(target, path);
      this.links.set(path, target);
    }
    for (const path of [...this.links.keys()]) {
      if (wanted.has(path)) continue;
      await rm(path, { force: true });
      this.links.delete(path);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
    for (const path of this.links.keys()) {
      // Only a link this made: never a device node someone else put there.
      if ((await readlink(path).catch(() => undefined)) !== undefined) await rm(path, { force: true });
    }
    this.links.clear();
  }
}
