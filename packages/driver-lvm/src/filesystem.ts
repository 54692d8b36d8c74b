import type { CommandRunner } from '@ebs-autoscale/core';

/** The filesystems this driver puts on a logical volume: both grow online. */
export type LvmFilesystem = 'ext4' | 'xfs';

/** Formats a fresh LV. `-F`/`-f`: the caller has checked with blkid that it is blank, and mkfs would otherwise prompt. */
export async function makeFilesystem(runner: CommandRunner, filesystem: LvmFilesystem, device: string): Promise<void> {
  if (filesystem === 'xfs') await runner.run('mkfs.xfs', ['-q', '-f', device]);
  else await runner.run('mkfs.ext4', ['-q', '-F', device]);
}

/**
 * Grows a mounted filesystem to fill its (just extended) LV. resize2fs takes the device, xfs_growfs
 * the mount point; both work online (resize2fs needs CAP_SYS_RESOURCE for that).
 */
export async function growFilesystem(runner: CommandRunner, filesystem: LvmFilesystem, device: string, mountPoint: string): Promise<void> {
  if (filesystem === 'xfs') await runner.run('xfs_growfs', [mountPoint]);
  else await runner.run('resize2fs', [device]);
}

/** Whether `device` carries any signature: a filesystem already made by an earlier `prepare()`. */
export async function hasSignature(runner: CommandRunner, device: string): Promise<boolean> {
  return (await runner.run('blkid', ['-p', '-o', 'export', device], { allowFailure: true })).exitCode === 0;
}
