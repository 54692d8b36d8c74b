import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EbsAutoscaleError, type CommandRunner } from '@ebs-autoscale/core';
import { buildAgent } from '../agent/build-agent.js';
import { mountSource } from '../agent/mount-source.js';
import { loadConfig } from '../config/load-config.js';
import { removeFstabEntries } from './fstab-remove.js';
import type { HostPaths } from './install-options.js';
import { UNIT_NAME } from './systemd-unit.js';

/** Options of {@link uninstallAgent}. */
export interface UninstallOptions extends HostPaths {
  /** Unmount and delete the volumes the agent created; the caller has confirmed. */
  readonly releaseVolumes: boolean;
  readonly say?: (line: string) => void;
}

/** What an uninstall did. */
export interface UninstallResult {
  readonly mountPoint: string;
  readonly releasedVolumes: readonly string[];
}

/**
 * Stops, disables and removes the service. With `releaseVolumes` also unmounts the filesystem,
 * removes its fstab line, removes an LVM layout's volume group (stopping there, with nothing
 * released, if LVM refuses) and detaches and deletes every volume the agent owns (the data is gone);
 * without it the mount, fstab and volumes stay as they are.
 */
export async function uninstallAgent(options: UninstallOptions): Promise<UninstallResult> {
  const say = options.say ?? (() => undefined);
  const config = await loadConfig(options.configPath);
  const unitPath = join(options.unitDir, UNIT_NAME);
  if (await stat(unitPath).then(() => true, () => false)) {
    await options.runner.run('systemctl', ['disable', '--now', UNIT_NAME], { allowFailure: true });
    await rm(unitPath, { force: true });
    await options.runner.run('systemctl', ['daemon-reload'], { allowFailure: true });
    say(`stopped, disabled and removed ${UNIT_NAME}`);
  } else {
    say(`no ${unitPath}; nothing to stop`);
  }
  if (!options.releaseVolumes) {
    say(`kept ${config.mountPoint}, its fstab line and its volumes (pass --release-volumes to delete them)`);
    return { mountPoint: config.mountPoint, releasedVolumes: [] };
  }
  // Let go of the devices before detaching them: EC2 would detach a mounted volume under btrfs.
  for (let attempt = 0; attempt < 5 && (await mountSource(config.mountPoint)) !== undefined; attempt += 1) {
    await options.runner.run('umount', [config.mountPoint], { allowFailure: true });
  }
  if ((await removeFstabEntries(options.fstabPath, config.mountPoint)) > 0) say(`removed the ${config.mountPoint} line from ${options.fstabPath}`);
  if (config.driver.kind === 'lvm') await removeVolumeGroup(options.runner, config.driver.volumeGroup, say);
  // Only the provisioner is used: the driver's filesystem is irrelevant to releasing volumes.
  const { provisioner } = buildAgent(config, { ...options.world, runner: options.runner, devices: [] });
  const released: string[] = [];
  for (const volume of await provisioner.list()) {
    await provisioner.release(volume.volumeId);
    released.push(volume.volumeId);
    say(`released ${volume.volumeId} (${volume.sizeGiB} GiB)`);
  }
  return { mountPoint: config.mountPoint, releasedVolumes: released };
}

/**
 * Device-mapper holds every PV of an active volume group open; detaching one under it leaves a
 * dangling mapping (and, on loop devices, a loop that never goes). So the group goes first, and if
 * it cannot, nothing is released: the data goes with the volumes anyway, but only once LVM let go.
 * A group that is already gone (an earlier uninstall, an install that never got that far) is fine.
 */
async function removeVolumeGroup(runner: CommandRunner, volumeGroup: string, say: (line: string) => void): Promise<void> {
  const result = await runner.run('vgremove', ['--force', '--force', '--yes', volumeGroup], { allowFailure: true });
  if (result.exitCode === 0) {
    say(`removed the volume group ${volumeGroup}`);
    return;
  }
  const stderr = result.stderr.trim();
  if (stderr.includes(`Volume group "${volumeGroup}" not found`)) {
    say(`no volume group ${volumeGroup}; nothing to remove`);
    return;
  }
  throw new EbsAutoscaleError('uninstall', 'COMMAND_FAILED', `\`vgremove ${volumeGroup}\` exited with code ${result.exitCode}${stderr ? `: ${stderr.split('\n').slice(-5).join(' | ')}` : ''}; no volume was released.`, {
    hint: `Something still uses the volume group ${volumeGroup}: unmount its logical volumes and stop what holds them open (\`lsof\`, \`dmsetup info -c\` show who), then run uninstall --release-volumes again.`,
  });
}
