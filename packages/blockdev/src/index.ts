export { formatDeviceNumber } from './device-number.js';
export { resolveBlockDevice, type ResolvedDevice } from './resolve-block-device.js';
export { probeSignature, parseBlkidExport, type DeviceSignature } from './device-signature.js';
export { holdersOf, membersOf } from './holders.js';
export { deviceBacksMembers, readDeviceNumber } from './device-backing.js';
export { MOUNTINFO_PATH, parseMountInfo, readMounts, type MountEntry } from './mountinfo.js';
export { findDeviceMount, findMountAt, isMountOf } from './mount-lookup.js';
export { isReadOnlyAt, isReadOnlyMount } from './read-only.js';
export { ensureFstabEntry, type FstabEntry } from './fstab.js';
