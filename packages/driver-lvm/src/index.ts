export { LvmDriver, createLvmDriver } from './lvm-driver.js';
export type { LvmDriverOptions } from './lvm-driver-options.js';
export { LAYOUT_DEFAULTS, type LvmLayout, type LayoutDefaults } from './layouts.js';
export type { LvmFilesystem } from './filesystem.js';
export { planMetadataGrowth, MAX_POOL_METADATA_BYTES, type MetadataGrowthInput } from './metadata-growth.js';
export { validateVgName, validateLvName } from './names.js';
export { parseLvsReport, parsePvsReport, parseVgsReport, type LvReport, type PvReport, type VgReport } from './reports.js';
export { createSystemProbe, type SystemProbe, type FilesystemStats } from './system-probe.js';
