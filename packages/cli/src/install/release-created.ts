import { realpath } from 'node:fs/promises';
import { findMountAt, MOUNTINFO_PATH, readMounts } from '@ebs-autoscale/blockdev';
import type { CommandRunner, ProvisionedVolume, VolumeProvisioner } from '@ebs-autoscale/core';
import { removeFstabEntries } from './fstab-remove.js';

/** What {@link releaseCreatedVolume} needs to undo an install that failed after it bought a volume. */
export interface CreatedVolumeCleanup {
  readonly volume: ProvisionedVolume;
  readonly provisioner: VolumeProvisioner;
  readonly runner: CommandRunner;
  readonly mountPoint: string;
  /** The fstab whose line for the mount point prepare may have written. */
  readonly fstabPath: string;
  /** An LVM layout's volume group, which must let go of the PV before the volume is detached. */
  readonly volumeGroup?: string;
  readonly say: (line: string) => void;
  readonly mountInfoPath?: string;
}

/**
 * Gives back the volume an install created when a later step failed (the driver's prepare, the fstab
 * line, the unit, systemctl, or the deadline passing meanwhile), so a failed install never leaves a
 * paid-for volume behind. A plain release through the
 * provisioner is right here, without core's release guard: install made this volume moments ago and
 * it holds nothing yet (no data, and no filesystem anyone uses: the guard protects members of a live
 * filesystem). What prepare may have set up on it is undone first, as uninstall would: the mount it
 * made (install creates a volume only when nothing was mounted there), its fstab line, and an LVM group
 * whose only PV it is, since device-mapper would keep a detached PV open.
 * Failures here are reported, never thrown: the caller rethrows the error that stopped the install.
 */
export async function releaseCreatedVolume(cleanup: CreatedVolumeCleanup): Promise<void> {
  const { volume, runner, mountPoint, say } = cleanup;
  try {
    if (await findMountAt(await readMounts(cleanup.mountInfoPath ?? MOUNTINFO_PATH), mountPoint)) {
      await runner.run('umount', [mountPoint], { allowFailure: true });
    }
    await removeFstabEntries(cleanup.fstabPath, mountPoint);
    if (cleanup.volumeGroup !== undefined) await removeOwnGroup(runner, cleanup.volumeGroup, volume.device);
    await cleanup.provisioner.release(volume.volumeId);
    say(`released ${volume.volumeId}, the volume this install created, after the failure below`);
  } catch (error) {
    say(
      `could not release ${volume.volumeId} after the failure below (${(error as Error).message}); delete it by hand: aws ec2 delete-volume --volume-id ${volume.volumeId}`,
    );
  }
}

/** Removes the volume group when `device` is its only PV: then install made it, on the new volume. */
async function removeOwnGroup(runner: CommandRunner, volumeGroup: string, device: string): Promise<void> {
  const pvs = await runner.run('pvs', ['--noheadings', '-o', 'pv_name', '--select', `vg_name=${volumeGroup}`], { allowFailure: true });
  const members =
    pvs.exitCode === 0
      ? pvs.stdout
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
      : [];
  const [member, ours] = await Promise.all(members.map((path) => realpath(path).catch(() => path)).concat(realpath(device).catch(() => device)));
  if (members.length === 1 && member === ours) await runner.run('vgremove', ['--force', '--force', '--yes', volumeGroup], { allowFailure: true });
}
