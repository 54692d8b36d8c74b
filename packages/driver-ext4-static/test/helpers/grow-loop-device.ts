import { open } from 'node:fs/promises';
import type { CommandRunner } from '@ebs-autoscale/core';

/**
 * What ModifyVolume does to an EBS volume, done to a loop device: its backing file grows to `sizeBytes`
 * and the kernel is told (`losetup --set-capacity`), under whatever is mounted on it. The same two steps
 * as ec2-sim's loop backing.
 */
export async function growLoopDevice(runner: CommandRunner, device: string, sizeBytes: number): Promise<void> {
  const backing = (await runner.run('losetup', ['--noheadings', '--output', 'BACK-FILE', device])).stdout.trim();
  const handle = await open(backing, 'r+');
  try {
    await handle.truncate(sizeBytes);
  } finally {
    await handle.close();
  }
  await runner.run('losetup', ['--set-capacity', device]);
}
