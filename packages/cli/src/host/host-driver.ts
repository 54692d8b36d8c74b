import type { AgentConfig } from '../config/agent-config.js';
import { describeDistribution, OS_RELEASE_PATHS, readOsRelease, type Distribution } from './distribution.js';
import { resolveDriver, type ResolvedDriver } from './prerequisites.js';
import { mountFilesystemType } from './mount-source.js';

/** The configured driver as this host runs it, and the distribution that decided. */
export interface HostDriver {
  readonly driver: ResolvedDriver;
  readonly distribution: Distribution;
}

/**
 * Decides an LVM layout's open filesystem on this host: what is already mounted wins (the agent
 * must grow what install made, even if os-release changed since), else the distribution's preference.
 */
export async function resolveHostDriver(config: AgentConfig, osReleasePaths: readonly string[] = OS_RELEASE_PATHS): Promise<HostDriver> {
  const distribution = describeDistribution(await readOsRelease(osReleasePaths));
  const { driver } = config;
  if (driver.kind === 'lvm' && !driver.filesystem) {
    const mounted = await mountFilesystemType(config.mountPoint);
    if (mounted === 'ext4' || mounted === 'xfs') return { driver: { ...driver, filesystem: mounted }, distribution };
  }
  return { driver: resolveDriver(driver, distribution), distribution };
}
