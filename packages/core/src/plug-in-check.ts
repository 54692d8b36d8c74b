import { EbsAutoscaleError } from './errors.js';
import type { FilesystemDriver } from './filesystem-driver.js';
import type { VolumeProvisioner } from './volume-provisioner.js';

const REQUIRED = {
  driver: ['prepare', 'usage', 'devices', 'holdsDevice'],
  provisioner: ['provision', 'release', 'list'],
} as const;

const OPTIONAL = {
  driver: ['extend', 'growInPlace', 'removeDevice'],
  provisioner: ['resize', 'reconcile'],
} as const;

/**
 * Checks a driver and a provisioner once, where they are plugged into the autoscaler (as kysely's
 * runtime driver does), so a malformed plug-in fails at construction with one clear error instead of
 * mid-scale. What a plug-in can do is read from the methods it has; a `capabilities` flag from before
 * that rule is refused, since it would now be ignored and contradict the methods.
 */
export function checkPlugIns(driver: FilesystemDriver, provisioner: VolumeProvisioner): void {
  if (!driver || !provisioner) {
    throw new EbsAutoscaleError('autoscaler', 'INVALID_ARGUMENT', 'StorageAutoscaler needs both a driver and a provisioner.', {
      hint: 'Pass { driver, provisioner } — e.g. createBtrfsDriver(...) and createEbsProvisioner(...).',
    });
  }
  checkMethods('driver', driver as unknown as Record<string, unknown>, driver.name);
  checkMethods('provisioner', provisioner as unknown as Record<string, unknown>, provisioner.name);
  if ('capabilities' in driver) {
    throw new EbsAutoscaleError(
      'autoscaler',
      'INVALID_ARGUMENT',
      `The ${driver.name} driver declares \`capabilities\`, which the autoscaler no longer reads.`,
      {
        hint: 'Say what the driver can do by its methods alone: keep extend() only if it adds devices, growInPlace() only if it grows in place and removeDevice() only if it shrinks online; remove `capabilities` and any method that only throws.',
      },
    );
  }
}

function checkMethods(kind: 'driver' | 'provisioner', plugIn: Record<string, unknown>, name: unknown): void {
  for (const method of REQUIRED[kind]) {
    if (typeof plugIn[method] !== 'function') {
      throw new EbsAutoscaleError('autoscaler', 'INVALID_ARGUMENT', `The ${String(name)} ${kind} has no ${method}() method, which every ${kind} needs.`, {
        hint: `Implement the ${kind === 'driver' ? 'FilesystemDriver' : 'VolumeProvisioner'} interface of @ebs-autoscale/core.`,
      });
    }
  }
  for (const method of OPTIONAL[kind]) {
    if (plugIn[method] !== undefined && typeof plugIn[method] !== 'function') {
      throw new EbsAutoscaleError('autoscaler', 'INVALID_ARGUMENT', `The ${String(name)} ${kind}'s ${method} is not a function.`, {
        hint: `Leave ${method} out when the ${kind} cannot do it; when it is there, it must be the method.`,
      });
    }
  }
}
