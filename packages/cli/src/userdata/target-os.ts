import { describeDistribution, type Distribution } from '../host/distribution.js';
import { requiredTools, resolveDriver, type ResolvedDriver } from '../host/prerequisites.js';
import { INSTALL_DEFAULTS, type DriverConfig } from '../config/agent-config.js';

/** The distributions the user data is written for. */
export const TARGET_OSES = ['al2023', 'ubuntu'] as const;
export type TargetOs = (typeof TARGET_OSES)[number];

/** The drivers `userdata --driver` offers. */
export const USERDATA_DRIVERS = ['btrfs', 'lvm', 'ext4-static'] as const;
export type UserdataDriver = (typeof USERDATA_DRIVERS)[number];

/** How the user data installs packages on one distribution, and what it installs by default. */
export interface TargetOsProfile {
  readonly name: TargetOs;
  readonly distribution: Distribution;
  /** Run once before installing, when it is needed at all (apt's lists are empty on a fresh AMI). */
  readonly refresh?: readonly string[];
  readonly install: readonly string[];
  /**
   * The driver when `--driver` is not given: AL2023 has no btrfs-progs, so the LVM thin pool, which
   * takes the distribution's xfs; Ubuntu ships btrfs-progs, and btrfs adds devices without a pool.
   */
  readonly defaultDriver: UserdataDriver;
}

/**
 * The distributions as `host/distribution.ts` describes them, so the packages the user data installs are
 * the very ones install's prerequisite check asks for.
 */
export const TARGET_OS_PROFILES: Readonly<Record<TargetOs, TargetOsProfile>> = {
  al2023: {
    name: 'al2023',
    distribution: describeDistribution({ id: 'amzn', versionId: '2023', idLike: ['fedora'], prettyName: 'Amazon Linux 2023' }),
    install: ['dnf', 'install', '-y', '--setopt=install_weak_deps=False'],
    defaultDriver: 'lvm',
  },
  ubuntu: {
    name: 'ubuntu',
    distribution: describeDistribution({ id: 'ubuntu', versionId: '24.04', idLike: ['debian'], prettyName: 'Ubuntu' }),
    refresh: ['apt-get', 'update', '-q'],
    install: ['apt-get', 'install', '-y', '-q', '--no-install-recommends'],
    defaultDriver: 'btrfs',
  },
};

/** The driver as install will resolve it on that distribution (an LVM layout gets its filesystem). */
export function targetDriver(profile: TargetOsProfile, driver: UserdataDriver): ResolvedDriver {
  const config: DriverConfig =
    driver === 'lvm'
      ? { kind: 'lvm', layout: 'thin-pool', volumeGroup: INSTALL_DEFAULTS.volumeGroup, logicalVolume: INSTALL_DEFAULTS.logicalVolume }
      : { kind: driver };
  return resolveDriver(config, profile.distribution);
}

/** The tools the driver runs there, each with the package that brings it: what the script checks and installs. */
export function targetTools(profile: TargetOsProfile, driver: UserdataDriver) {
  return requiredTools(targetDriver(profile, driver), profile.distribution);
}
