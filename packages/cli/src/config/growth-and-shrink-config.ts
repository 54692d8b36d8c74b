import { GIB, SHRINK_DEFAULTS, type ShrinkRule } from '@ebs-autoscale/core';
import type { DriverConfig } from './agent-config.js';
import type { IssueList } from './issues.js';
import type { ObjectReader } from './object-reader.js';

/** The `growth` section: how a scale-up adds capacity. */
export interface GrowthConfig {
  /** Grow the newest owned volume in place (ModifyVolume) before adding one: core's `hybridGrowth`. btrfs only. */
  readonly hybrid: boolean;
}

/** The `shrink` section's defaults: core's, where the policy bench reads them too. */
export { SHRINK_DEFAULTS };

/**
 * Reads `growth: { hybrid }`. Hybrid growth needs a driver that both adds devices and grows onto an
 * enlarged one (btrfs): LVM adds only, and ext4-static already grows only in place.
 */
export function readGrowthConfig(reader: ObjectReader | undefined, driver: DriverConfig, issues: IssueList): GrowthConfig | undefined {
  if (!reader) return undefined;
  const hybrid = reader.boolean('hybrid') ?? false;
  reader.finish();
  if (hybrid && driver.kind !== 'btrfs') {
    const why = driver.kind === 'lvm' ? 'the lvm driver only adds physical volumes' : 'the ext4-static driver always grows its one volume in place already';
    issues.add(
      reader.at('hybrid'),
      `hybrid growth (ModifyVolume on the newest volume, else a new one) needs the btrfs driver; ${why}. Remove growth.hybrid, or use driver.kind "btrfs"`,
    );
  }
  return { hybrid };
}

/**
 * Reads `shrink: { quietPeriodSeconds, highWaterFreePercent, minFreeGiB, hysteresisPercent }` into
 * core's `ShrinkRule`. Only btrfs removes a device online; LVM under ext4 or xfs and ext4-static
 * cannot shrink online, so the section is refused for them before anything runs.
 */
export function readShrinkConfig(reader: ObjectReader | undefined, driver: DriverConfig, issues: IssueList): ShrinkRule | undefined {
  if (!reader) return undefined;
  const quietPeriodSeconds = reader.number('quietPeriodSeconds', { min: 1, max: 30 * 86400 }) ?? SHRINK_DEFAULTS.quietPeriodSeconds;
  const highWaterFreePercent = reader.number('highWaterFreePercent', { min: 1, max: 99 }) ?? SHRINK_DEFAULTS.highWaterFreePercent;
  // Fractions allowed: the simulator's loop-backed GiB are small, and a real host may want 0.5.
  const minFreeGiB = reader.number('minFreeGiB', { min: 0, max: 65536 }) ?? SHRINK_DEFAULTS.minFreeGiB;
  const hysteresisPercent = reader.number('hysteresisPercent', { min: 0, max: 99 });
  reader.finish();
  if (driver.kind !== 'btrfs') {
    const name = driver.kind === 'lvm' ? `the lvm driver (${driver.filesystem ?? 'ext4 or xfs'} on LVM)` : 'the ext4-static driver';
    issues.add(
      reader.path,
      `${name} cannot shrink online: ext4 and xfs do not give a device back while mounted. Remove the shrink section, or use driver.kind "btrfs", which removes a device online`,
    );
  }
  return {
    quietPeriodMs: Math.round(quietPeriodSeconds * 1000),
    highWaterFreePercent,
    minFreeBytes: Math.round(minFreeGiB * GIB),
    ...(hysteresisPercent === undefined ? {} : { hysteresisPercent }),
  };
}
