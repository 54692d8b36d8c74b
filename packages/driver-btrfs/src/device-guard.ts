import { assertUnusedDevice, createDeviceProbe, type UnusedDevice } from '@ebs-autoscale/blockdev';
import { DriverError, type CommandRunner } from '@ebs-autoscale/core';
import { findBtrfsByDevice } from './btrfs-sysfs.js';

/** Where the guard looks. */
export interface GuardContext {
  readonly driver: string;
  readonly runner: CommandRunner;
  readonly sysRoot: string;
  readonly mountInfoPath: string;
}

/**
 * blockdev's {@link assertUnusedDevice}, with btrfs's own membership check first: a device that is
 * a member of `ownUuid` or of another mounted btrfs (from sysfs) is `DEVICE_IN_USE`. With
 * `acceptAnySignature` the signature is returned for the caller to judge (prepare() sees several
 * devices at once); otherwise any signature refuses.
 */
export function inspectDevice(context: GuardContext, device: string, options: { ownUuid?: string; acceptAnySignature?: boolean } = {}): Promise<UnusedDevice> {
  return assertUnusedDevice(
    {
      driver: context.driver,
      runner: context.runner,
      probe: createDeviceProbe(context.sysRoot, context.mountInfoPath),
      acceptSignature: () => options.acceptAnySignature ?? false,
      checkMembership: async (_device, resolved) => {
        const memberOf = await findBtrfsByDevice(context.sysRoot, resolved.name);
        if (memberOf === undefined) return;
        const whose = memberOf === options.ownUuid ? 'this filesystem' : `another mounted btrfs filesystem (${memberOf})`;
        throw new DriverError(context.driver, 'DEVICE_IN_USE', `${device} is already a member of ${whose}.`, {
          device,
          hint: 'Pass a new, blank volume; a device cannot be added twice.',
        });
      },
    },
    device,
  );
}
