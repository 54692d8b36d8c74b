export { runDriverConformance } from './conformance.js';
export type { DriverConformanceOptions, DriverFactoryContext, ConformanceCheck } from './options.js';
export type { ConformanceEnvironment } from './environment.js';
export { LoopDeviceFactory, createLoopEnvironment, type LoopDeviceFactoryOptions } from './loop-device-factory.js';
export { checksumTree, writeRandomFiles, type TreeChecksums } from './checksum.js';
export { firstMiB } from './first-mib.js';
export { isRoot, requireRootOrWarn, canUseLoopDevices, warnSkip } from './root.js';
export { findMounts } from './mounts.js';
export type { MountEntry } from '@ebs-autoscale/blockdev';
