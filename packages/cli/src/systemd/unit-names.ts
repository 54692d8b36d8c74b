import { join } from 'node:path';
import { EbsAutoscaleError } from '@ebs-autoscale/core';
import { boundedName, escapeSystemdPath, unescapeSystemdPath } from './systemd-escape.js';

/**
 * The names of the agent's units, old and new. One agent per mount point runs as an instance of one
 * template, `ebs-autoscale@.service`, the instance being the mount point escaped as
 * `systemd-escape --path` does it: `/scratch` → `ebs-autoscale@scratch.service`, `/var/lib/docker` →
 * `ebs-autoscale@var-lib-docker.service` (issue 13, item 6), so that
 * `systemd-escape --path --template=ebs-autoscale@.service /var/lib/docker` names one, and one glob
 * (`ebs-autoscale@*`) matches every agent of the host.
 */
export const TEMPLATE_NAME = 'ebs-autoscale@.service';

const INSTANCE_PREFIX = 'ebs-autoscale@';
const SERVICE_SUFFIX = '.service';
/** systemd's UNIT_NAME_MAX is 256 with the terminating NUL. */
const UNIT_NAME_MAX = 255;
/** The longest instance that still makes a unit name. */
const INSTANCE_MAX = UNIT_NAME_MAX - INSTANCE_PREFIX.length - SERVICE_SUFFIX.length;

/**
 * The instance of a (canonical) mount point: its systemd-escaped path. Refuses one too long for a unit
 * name rather than cutting it: the template finds its mount point by unescaping the instance (`%i`),
 * which a cut name would not give back, and systemd itself cannot name a unit for such a path.
 */
export function instanceNameFor(mountPoint: string): string {
  const escaped = escapeSystemdPath(mountPoint);
  if (escaped.length > INSTANCE_MAX) {
    throw new EbsAutoscaleError(
      'install',
      'INVALID_ARGUMENT',
      `The mount point ${mountPoint} escapes to ${escaped.length} characters, more than the ${INSTANCE_MAX} a systemd unit instance can hold; nothing was changed.`,
      {
        hint: 'Choose a shorter mount point (or a bind mount or symlink of one).',
      },
    );
  }
  return escaped;
}

/** The mount point an instance stands for: `var-lib-docker` → `/var/lib/docker`; refuses a name systemd-escape would not write. */
export function mountPointOfInstance(instance: string): string {
  return unescapeSystemdPath(instance);
}

/**
 * The unit of the agent for one mount point, `ebs-autoscale@<instance>.service`. Never throws: an
 * over-long mount point (which install refuses, see {@link instanceNameFor}) gets a cut, hashed name,
 * good enough for a message that names the unit.
 */
export function unitNameFor(mountPoint: string): string {
  return `${INSTANCE_PREFIX}${boundedName(escapeSystemdPath(mountPoint), INSTANCE_MAX)}${SERVICE_SUFFIX}`;
}

/** The instance of a unit name of ours, `ebs-autoscale@<instance>.service`; undefined for any other name. */
export function instanceOfUnitName(name: string): string | undefined {
  if (!name.startsWith(INSTANCE_PREFIX) || !name.endsWith(SERVICE_SUFFIX)) return undefined;
  const instance = name.slice(INSTANCE_PREFIX.length, -SERVICE_SUFFIX.length);
  return instance === '' ? undefined : instance;
}

/**
 * The drop-in install writes for one instance when it runs with more than the template gives (see
 * `buildInstanceDropIn`). Numbered low so that an operator's `systemctl edit` (`override.conf`, read
 * after it) wins.
 */
export function dropInPathFor(unitDir: string, mountPoint: string): string {
  return join(unitDir, `${unitNameFor(mountPoint)}.d`, DROP_IN_NAME);
}

/** The file name of install's drop-in, in `<unit>.d/`. */
export const DROP_IN_NAME = '10-ebs-autoscale.conf';

/** The one-per-host unit of the first versions (one agent per host, as amazon-ebs-autoscale had). */
export const HOST_UNIT_NAME = 'ebs-autoscale.service';

/**
 * The per-mount-point unit of the version before the template: `ebs-autoscale-<escaped>.service`.
 * Install retires it (`install/legacy-unit.ts`); nothing writes it any more.
 */
export function perMountUnitNameFor(mountPoint: string): string {
  const prefix = 'ebs-autoscale-';
  return `${prefix}${boundedName(escapeSystemdPath(mountPoint), UNIT_NAME_MAX - prefix.length - SERVICE_SUFFIX.length)}${SERVICE_SUFFIX}`;
}
