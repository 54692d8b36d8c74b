import type { CommandRunner } from '@ebs-autoscale/core';
import type { LvmFilesystem } from './filesystem.js';
import type { LvmLayout } from './layouts.js';
import type { SystemProbe } from './system-probe.js';

/** Options of {@link createLvmDriver}. */
export interface LvmDriverOptions {
  /** Where the filesystem is mounted. For `pool-only`, where the pool's consumer keeps its data (informational). */
  mountPoint: string;
  /** The blank devices `prepare()` builds the VG on when it doesn't exist yet. */
  devices?: readonly string[] | undefined;
  /** How LVM is arranged; see {@link LvmLayout}. Default `thin-pool`. */
  layout?: LvmLayout | undefined;
  /** VG name. Defaults: `ebs_autoscale` (thin-pool), `docker` (pool-only), `autoscale_vg` (linear). */
  volumeGroup?: string | undefined;
  /** The LV holding the filesystem. Defaults: `data` (thin-pool), `autoscale_lv` (linear). */
  logicalVolume?: string | undefined;
  /** The thin pool's name. Defaults: `pool` (thin-pool), `docker-pool` (pool-only). */
  thinPool?: string | undefined;
  /** Filesystem on the LV. Default `ext4`. */
  filesystem?: LvmFilesystem | undefined;
  /** Initial pool metadata size when `prepare()` creates the pool. Default: LVM's choice for the pool size. */
  poolMetadataSizeBytes?: number | undefined;
  /** Grow pool metadata on `extend()` once it is this full, 0–100. Default 50. */
  metadataGrowthThresholdPercent?: number | undefined;
  /**
   * Mount options. Default `['discard']` on a thin LV, so blocks freed by deleting files return to the
   * pool; without it the pool fills up while the filesystem looks half empty. None for `linear`.
   */
  mountOptions?: readonly string[] | undefined;
  /** Runs lvm2, mkfs, mount, blkid. Default `createExecaRunner()`. */
  runner?: CommandRunner | undefined;
  /** Devices, holders, mounts, statfs. Default {@link createSystemProbe}. */
  probe?: SystemProbe | undefined;
}
