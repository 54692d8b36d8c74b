import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { deviceSlot } from './device-names.js';

/** Where this host's devices are: `/dev` and `/sys`, or a sandbox in tests. */
export interface DeviceRoots {
  readonly devRoot: string;
  readonly sysRoot: string;
}

/**
 * Finds the block device of an attached EBS volume, or undefined when it is not (yet) visible.
 *
 * On Nitro (NVMe) the kernel names devices in probe order, so the requested name means nothing: the
 * volume is the NVMe controller whose serial is the volume id without its dash. We look for udev's
 * `disk/by-id/nvme-Amazon_Elastic_Block_Store_vol…` link first, then scan `class/nvme/<ctrl>/serial`,
 * and return the real device path. Only when the host has no NVMe controllers at all (Xen) do we use
 * the requested name, as `xvd…` or its `sd…` alias.
 */
export async function findVolumeDevice(volumeId: string, requestedName: string, roots: DeviceRoots): Promise<string | undefined> {
  const serial = volumeId.replace('-', '');
  const byId = join(roots.devRoot, 'disk', 'by-id', `nvme-Amazon_Elastic_Block_Store_${serial}`);
  const linked = await resolveExisting(byId);
  if (linked) return linked;

  const controllersDir = join(roots.sysRoot, 'class', 'nvme');
  const controllers = await readdir(controllersDir).catch(() => [] as string[]);
  for (const controller of controllers) {
    const found = (await readFile(join(controllersDir, controller, 'serial'), 'utf8').catch(() => '')).trim();
    if (found !== serial) continue;
    const entries = await readdir(join(controllersDir, controller)).catch(() => [] as string[]);
    // The namespace block device: nvme1n1, or nvme1c1n1 under native multipath.
    const namespace = entries.filter((entry) => /^nvme\d+(?:c\d+)?n\d+$/.test(entry)).sort()[0];
    if (namespace) return resolveExisting(join(roots.devRoot, namespace.replace(/c\d+n/, 'n')));
  }
  if (controllers.length > 0) return undefined;

  const slot = deviceSlot(requestedName);
  for (const prefix of ['xvd', 'sd']) {
    const found = await resolveExisting(join(roots.devRoot, `${prefix}${slot}`));
    if (found) return found;
  }
  return undefined;
}

/**
 * The real path of `path` (symlinks resolved), or undefined when it does not exist or cannot be opened
 * yet. A node exists a moment before the device behind it opens: udev creates and relabels nodes while
 * the kernel is still probing the namespace, and an open then fails with ENXIO or ENOENT. A device
 * reported in that window made `btrfs device add` fail with "No such file or directory", and the volume
 * was released and bought again 5.4 s later (issue 12, item 8); reported as not yet visible, it is
 * polled for within the device schedule's bound instead.
 */
async function resolveExisting(path: string): Promise<string | undefined> {
  try {
    const real = await realpath(path);
    await stat(real);
    return (await opensYet(real)) ? real : undefined;
  } catch {
    return undefined;
  }
}

/** Opens read-only and closes: false only for the errors of a device that is not there yet. */
async function opensYet(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch (error) {
    // Anything else (EACCES, EBUSY) is a device that exists; the driver reports it better than a timeout.
    return !NOT_YET.has((error as NodeJS.ErrnoException).code ?? '');
  }
}

const NOT_YET = new Set(['ENOENT', 'ENXIO', 'ENODEV']);
