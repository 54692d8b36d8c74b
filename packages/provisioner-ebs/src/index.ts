export { EbsProvisioner, createEbsProvisioner } from './ebs-provisioner.js';
export type { EbsProvisionerOptions } from './options.js';
export type { EbsProvisionerEvents, EbsProvisionerEventName, EbsProvisionerEventPayload } from './events.js';
export type { Ec2Api, Ec2Action } from './ec2-api.js';
export { createEc2Api, wrapEc2Client } from './ec2-client.js';
export { Ec2CallError, type Ec2FailureKind } from './ec2-errors.js';
export { createMetadataClient, partitionOf, type InstanceIdentity, type MetadataClient, type Ec2Tag } from './instance-identity.js';
export { DEFAULT_EBS_LIMITS, instanceAttachmentLimit, assertRoomForVolume, type EbsLimits, type EbsLimitName, type LimitInput } from './limits.js';
export { DEFAULT_SCHEDULES, resolveSchedules, scheduleDelay, type EbsSchedules, type Schedule, type RetrySchedule, type WaitSchedule } from './schedules.js';
export {
  EBS_VOLUME_TYPES,
  EBS_VOLUME_TYPE_RULES,
  isEbsVolumeType,
  smallestSizeForIops,
  validateVolumeSpec,
  type EbsVolumeType,
  type EbsVolumeTypeRule,
  type VolumeSpec,
} from './volume-types.js';
export { candidateDeviceNames, deviceSlot, pickDeviceName, type DeviceNameConstraints } from './device-names.js';
export { findVolumeDevice, type DeviceRoots } from './device-discovery.js';
export { TAG_SOURCE_INSTANCE, TAG_CREATION_TIME, TAG_SOURCE_INSTANCE_ARN, TAG_MOUNT_POINT, volumeTags, ownedVolumeFilters } from './tags.js';
export { VolumeModificationRateError } from './resize.js';
export { MODIFICATION_RULE, ModificationHistory, modificationBudget, type ModificationBudget } from './modification-rule.js';
