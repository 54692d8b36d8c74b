import type { LvmFilesystem } from './filesystem.js';

/**
 * How the driver arranges LVM on its devices. Choose by who consumes the space:
 *
 * - `thin-pool` (default): a VG, a thin pool, and one thin LV with ext4 or xfs mounted at the mount
 *   point. For a new scratch mount. A thin pool, unlike a linear LV, can report (and the autoscaler
 *   act on) metadata pressure, and the layout leaves room for snapshots.
 * - `pool-only`: a thin pool that another program consumes, such as Docker's devicemapper storage
 *   driver as the Cromwell AWS agent ran it (VG `docker`, pool `docker-pool`). Only the pool grows,
 *   data and metadata; there is no filesystem of ours and nothing is mounted.
 * - `linear`: amazon-ebs-autoscale's `lvm.ext4` layout (VG `autoscale_vg`, LV `autoscale_lv`, ext4),
 *   grown with `vgextend`, `lvresize -l 100%VG`, `resize2fs` as it did, so a host it set up can switch
 *   to this agent without reformatting.
 */
export type LvmLayout = 'thin-pool' | 'pool-only' | 'linear';

/** The names and filesystem each layout uses unless told otherwise. */
export interface LayoutDefaults {
  readonly volumeGroup: string;
  readonly logicalVolume: string;
  readonly thinPool: string;
  readonly filesystem: LvmFilesystem;
}

export const LAYOUT_DEFAULTS: Readonly<Record<LvmLayout, LayoutDefaults>> = {
  'thin-pool': { volumeGroup: 'ebs_autoscale', logicalVolume: 'data', thinPool: 'pool', filesystem: 'ext4' },
  'pool-only': { volumeGroup: 'docker', logicalVolume: 'docker-pool', thinPool: 'docker-pool', filesystem: 'ext4' },
  // The names amazon-ebs-autoscale's create-ebs-volume / initialize scripts hard-code.
  linear: { volumeGroup: 'autoscale_vg', logicalVolume: 'autoscale_lv', thinPool: '', filesystem: 'ext4' },
};
