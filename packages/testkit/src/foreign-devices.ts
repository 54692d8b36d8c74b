import type { CommandRunner } from '@ebs-autoscale/core';

/**
 * Gives `device` a swap signature: something no driver owns, cheap to make at any size, and found by
 * both `blkid -p` and `wipefs -n`, so a driver that formats it has skipped its blank check.
 */
export async function makeNotBlank(runner: CommandRunner, device: string): Promise<void> {
  await runner.run('mkswap', ['--label', 'not-ours', device]);
}

/**
 * Formats `device` as ext4 and mounts it read-only on `mountPoint`. Read-only, so the mounted
 * filesystem itself never writes to the device and a first-MiB comparison stays meaningful.
 */
export async function makeMounted(runner: CommandRunner, device: string, mountPoint: string): Promise<void> {
  await runner.run('mkfs.ext4', ['-q', '-F', '-L', 'not-ours', device]);
  await runner.run('mount', ['-o', 'ro', device, mountPoint]);
}

/** The filesystem (or PV) UUID the kernel's probing library reads from the device, '' when none. */
export async function probeUuid(runner: CommandRunner, device: string): Promise<string> {
  const result = await runner.run('blkid', ['-p', '-s', 'UUID', '-o', 'value', device], { allowFailure: true });
  return result.stdout.trim();
}
