export { BtrfsDriver, createBtrfsDriver } from './btrfs-driver.js';
export type { BtrfsDriverOptions } from './btrfs-driver-options.js';
export { btrfsUsage, btrfsSpace, type BtrfsSpace } from './btrfs-usage.js';
export { readBtrfsAllocation, type BtrfsAllocation, type SpaceInfo } from './btrfs-sysfs.js';
export { planMaintenance, type MaintenancePlan } from './maintenance.js';
