import type { CommandRunner } from '@ebs-autoscale/core';

/** Options of {@link createExt4StaticDriver}. */
export interface Ext4StaticDriverOptions {
  /** Where to mount, e.g. `/data`. Created if missing. */
  mountPoint: string;
  /** The one block device, e.g. `/dev/nvme1n1`. */
  device: string;
  /** Runs mkfs.ext4, mount and resize2fs. Default: `createExecaRunner()`. */
  runner?: CommandRunner;
  /** The filesystem label; an ext4 with this label on `device` is ours and gets mounted, not refused. Default `ebs-autoscale`. */
  label?: string;
  /** Format even when the device holds a signature: destroys what is on it. Default false. */
  force?: boolean;
  /** More mount options, appended to `noatime`. */
  mountOptions?: readonly string[];
  /** Add a `UUID=… nofail` line to this fstab (usually `/etc/fstab`). Default: none. */
  fstabPath?: string;
  /** Root of sysfs (for device holders). Default `/sys`. */
  sysRoot?: string;
  /** The mount table to read. Default `/proc/self/mountinfo`. */
  mountInfoPath?: string;
}
