import { EbsAutoscaleError } from '@ebs-autoscale/core';
import type { DriverConfig } from '../config/agent-config.js';
import type { Distribution } from './distribution.js';
import { toolOnPath } from './find-tool.js';

/** A driver with its filesystem decided: what the host must be able to run. */
export type ResolvedDriver = Exclude<DriverConfig, { kind: 'lvm' }> | (Extract<DriverConfig, { kind: 'lvm' }> & { readonly filesystem: 'ext4' | 'xfs' });

/** One missing tool and the package that brings it. */
export interface MissingTool {
  readonly tool: string;
  readonly packageName: string;
}

/** The LVM layout's filesystem: the configured one, else the distribution's preference. */
export function resolveDriver(driver: DriverConfig, distribution: Distribution): ResolvedDriver {
  if (driver.kind !== 'lvm' || driver.filesystem) return driver as ResolvedDriver;
  return { ...driver, filesystem: distribution.preferredFilesystem };
}

/**
 * The tools a driver runs, each with its package. Package names are the same on Amazon Linux and
 * Ubuntu except thin-pool checking, which Amazon Linux calls device-mapper-persistent-data.
 */
export function requiredTools(driver: ResolvedDriver, distribution: Distribution): MissingTool[] {
  const ext4 = [
    { tool: 'mkfs.ext4', packageName: 'e2fsprogs' },
    { tool: 'resize2fs', packageName: 'e2fsprogs' },
  ];
  const xfs = [
    { tool: 'mkfs.xfs', packageName: 'xfsprogs' },
    { tool: 'xfs_growfs', packageName: 'xfsprogs' },
  ];
  const common = [{ tool: 'blkid', packageName: 'util-linux' }];
  if (driver.kind === 'btrfs') return [...common, { tool: 'mkfs.btrfs', packageName: 'btrfs-progs' }, { tool: 'btrfs', packageName: 'btrfs-progs' }];
  if (driver.kind === 'ext4-static') return [...common, ...ext4];
  const thin =
    driver.layout === 'thin-pool'
      ? [{ tool: 'thin_check', packageName: distribution.installCommand.startsWith('apt') ? 'thin-provisioning-tools' : 'device-mapper-persistent-data' }]
      : [];
  return [
    ...common,
    ...['pvcreate', 'vgcreate', 'vgextend', 'lvcreate', 'lvextend'].map((tool) => ({ tool, packageName: 'lvm2' })),
    ...thin,
    ...(driver.filesystem === 'xfs' ? xfs : ext4),
  ];
}

/**
 * Refuses, before anything is created, a driver this host cannot run: btrfs where the distribution
 * has none, or any missing tool, naming the package and the command that installs it.
 */
export async function checkPrerequisites(
  driver: ResolvedDriver,
  distribution: Distribution,
  hasTool: (tool: string) => Promise<boolean> = toolOnPath,
): Promise<void> {
  const missing: MissingTool[] = [];
  for (const need of requiredTools(driver, distribution)) if (!(await hasTool(need.tool))) missing.push(need);
  if (driver.kind === 'btrfs' && distribution.btrfsUnsupported && missing.length > 0) {
    throw new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `${distribution.btrfsUnsupported}, so the btrfs driver cannot run on ${distribution.name}.`, {
      hint: 'Use the LVM driver: `ebs-autoscale install --driver lvm` for a new configuration, or `"driver": { "kind": "lvm" }` (xfs by default here) in /etc/ebs-autoscale.json.',
    });
  }
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((entry) => entry.packageName))];
  throw new EbsAutoscaleError(
    'install',
    'INVALID_ARGUMENT',
    `The ${describeDriver(driver)} driver needs ${missing.map((entry) => entry.tool).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed on ${distribution.name}.`,
    {
      hint: `Install ${packages.join(' and ')} (${distribution.installCommand} ${packages.join(' ')}), then run install again.`,
    },
  );
}

/** `btrfs`, `LVM thin-pool with xfs`, `static ext4`: for messages. */
export function describeDriver(driver: ResolvedDriver): string {
  if (driver.kind === 'lvm') return `LVM ${driver.layout} with ${driver.filesystem}`;
  return driver.kind === 'btrfs' ? 'btrfs' : 'static ext4';
}
