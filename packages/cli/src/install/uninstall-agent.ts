import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildAgent } from '../agent/build-agent.js';
import { resolveHostDriver } from '../agent/host-driver.js';
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
 * removes its fstab line and detaches and deletes every volume the agent owns (the data is gone);
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
  const { driver } = await resolveHostDriver(config, options.osReleasePaths);
  if (driver.kind === 'lvm') {
    // Device-mapper holds every PV of an active volume group open; detaching one under it leaves a
    // dangling mapping (and, on loop devices, a loop that never goes). The data goes with the volumes anyway.
    await options.runner.run('vgremove', ['--force', '--force', '--yes', driver.volumeGroup], { allowFailure: true });
    say(`removed the volume group ${driver.volumeGroup}`);
  }
  const { provisioner } = buildAgent(config, { ...options.world, runner: options.runner, devices: [], driver });
  const released: string[] = [];
  for (const volume of await provisioner.list()) {
    await provisioner.release(volume.volumeId);
    released.push(volume.volumeId);
    say(`released ${volume.volumeId} (${volume.sizeGiB} GiB)`);
  }
  return { mountPoint: config.mountPoint, releasedVolumes: released };
}
