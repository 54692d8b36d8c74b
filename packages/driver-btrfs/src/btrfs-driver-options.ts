import type { CommandRunner } from '@ebs-autoscale/core';

/** Options of {@link createBtrfsDriver}. */
export interface BtrfsDriverOptions {
  /** Where to mount the filesystem, e.g. `/scratch`. Created if missing. */
  mountPoint: string;
  /** The initial block device(s), blank, e.g. `['/dev/nvme1n1']`. */
  devices: readonly string[];
  /** Runs mkfs, mount and `btrfs`. Default: `createExecaRunner()`. */
  runner?: CommandRunner;
  /**
   * The filesystem label. `prepare()` treats a btrfs with this label on the initial devices as its own
   * (mounts it after a reboot instead of refusing). Default `ebs-autoscale`.
   */
  label?: string;
  /** Format even when the device holds a signature: destroys what is on it. Default false. */
  force?: boolean;
  /**
   * Mount with `compress=zstd`. Default false: it saves space on text-like data (logs, genomics
   * intermediates) at some CPU cost, and "how full" then depends on the data; opt in per workload.
   */
  compress?: boolean;
  /** More mount options, appended. */
  mountOptions?: readonly string[];
  /** Add a `UUID=… nofail` line to this fstab (usually `/etc/fstab`) so the mount returns after a reboot. Default: none. */
  fstabPath?: string;
  /** Root of sysfs. Default `/sys`; tests point it at a fixture. */
  sysRoot?: string;
  /** Where device nodes live. Default `/dev`. */
  devRoot?: string;
  /** Root of procfs, where a cancelled removal's own `btrfs` process is found. Default `/proc`. */
  procRoot?: string;
  /** The mount table to read. Default `/proc/self/mountinfo`. */
  mountInfoPath?: string;
  /** The usage filter for a data balance when unallocated space runs short after an add. Default 50 (%). */
  balanceDataUsagePercent?: number;
}
