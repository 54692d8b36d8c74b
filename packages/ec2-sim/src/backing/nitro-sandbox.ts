import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What Nitro's NVMe controller reports as the model, padded to the 40-byte field as sysfs shows it. */
export const EBS_MODEL = 'Amazon Elastic Block Store';

/** `vol-0123…` → `vol0123…`: the NVMe serial number of an EBS volume. */
export function ebsSerial(volumeId: string): string {
  return volumeId.replace('-', '');
}

/**
 * The `/dev` and `/sys` entries a Nitro instance shows for an attached EBS volume, written under
 * sandbox roots so discovery code pointed at them finds the simulator's loop devices:
 *
 *   <sys>/class/nvme/nvmeN/serial     vol0123…  (no dash)
 *   <sys>/class/nvme/nvmeN/model      Amazon Elastic Block Store  (space-padded to 40, as on Nitro)
 *   <sys>/class/nvme/nvmeN/nvmeNn1/size   512-byte sectors
 *   <dev>/nvmeNn1 → /dev/loopK
 *   <dev>/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0123… → /dev/loopK
 */
export class NitroSandbox {
  constructor(
    readonly devRoot: string,
    readonly sysRoot: string,
  ) {}

  async init(): Promise<void> {
    await mkdir(join(this.devRoot, 'disk', 'by-id'), { recursive: true });
    await mkdir(join(this.sysRoot, 'class', 'nvme'), { recursive: true });
  }

  /** Writes the entries of controller `nvme<index>`; returns the sandbox device path. */
  async add(index: number, volumeId: string, target: string, sizeBytes: number): Promise<string> {
    const controller = join(this.sysRoot, 'class', 'nvme', `nvme${index}`);
    const namespace = `nvme${index}n1`;
    await mkdir(join(controller, namespace), { recursive: true });
    await writeFile(join(controller, 'serial'), `${ebsSerial(volumeId).padEnd(20)}\n`);
    await writeFile(join(controller, 'model'), `${EBS_MODEL.padEnd(40)}\n`);
    await writeFile(join(controller, namespace, 'size'), `${Math.floor(sizeBytes / 512)}\n`);
    const device = join(this.devRoot, namespace);
    await symlink(target, device);
    await symlink(target, this.byIdPath(volumeId));
    return device;
  }

  async resize(index: number, sizeBytes: number): Promise<void> {
    await writeFile(join(this.sysRoot, 'class', 'nvme', `nvme${index}`, `nvme${index}n1`, 'size'), `${Math.floor(sizeBytes / 512)}\n`);
  }

  async remove(index: number, volumeId: string): Promise<void> {
    await rm(join(this.devRoot, `nvme${index}n1`), { force: true });
    await rm(this.byIdPath(volumeId), { force: true });
    await rm(join(this.sysRoot, 'class', 'nvme', `nvme${index}`), { recursive: true, force: true });
  }

  private byIdPath(volumeId: string): string {
    return join(this.devRoot, 'disk', 'by-id', `nvme-${EBS_MODEL.replaceAll(' ', '_')}_${ebsSerial(volumeId)}`);
  }
}
