import type { Instance } from '@aws-sdk/client-ec2';
import type { Clock, IsolatedEventEmitter } from '@ebs-autoscale/core';
import type { DeviceRoots } from './device-discovery.js';
import type { EbsProvisionerEvents } from './events.js';
import type { InstanceIdentity } from './instance-identity.js';
import type { ModificationHistory } from './modification-rule.js';
import type { EbsSchedules } from './schedules.js';
import type { VolumeOps } from './volume-ops.js';

/** What the operation modules (attach, reconcile, resize) get from the provisioner. */
export interface ProvisionerContext {
  readonly ops: VolumeOps;
  readonly identity: InstanceIdentity;
  readonly roots: DeviceRoots;
  readonly clock: Clock;
  readonly random: () => number;
  readonly schedules: EbsSchedules;
  readonly events: IsolatedEventEmitter<EbsProvisionerEvents>;
  readonly orphans: 'attach' | 'delete';
  /** Device names that failed as "in use", oldest first. */
  readonly failedDeviceNames: string[];
  /** This provisioner's ModifyVolume starts, for the time EBS's modification rule frees a slot. */
  readonly modifications: ModificationHistory;
  describeInstance(signal?: AbortSignal): Promise<Instance>;
}
