import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EbsAutoscaleError, releaseIfUnused, settledVolumes, systemClock, type CommandRunner, type KeptVolume } from '@ebs-autoscale/core';
import { buildAgent } from '../agent/build-agent.js';
import { acquireMountLock, DEFAULT_RUN_DIR } from '../run-dir/lock.js';
import { mountSource } from '../host/mount-source.js';
import { loadConfig } from '../config/load-config.js';
import { removeFstabEntries } from './fstab-remove.js';
import type { HostPaths } from './install-options.js';
import { dropInPathFor, TEMPLATE_NAME, unitNameFor } from '../systemd/unit-names.js';
import { installedInstances, removeDropIn } from './agent-units.js';
import { legacyUnitsFor } from './legacy-unit.js';

/** How long uninstall waits for attachments in flight before it judges what to release: EC2 detaches in seconds. */
const UNINSTALL_SETTLE_MS = 60_000;

/** Options of {@link uninstallAgent}. */
export interface UninstallOptions extends HostPaths {
  /** Unmount and delete the volumes the agent created; the caller has confirmed. */
  readonly releaseVolumes: boolean;
  /** Where the agents' locks are. Default `/run/ebs-autoscale`. */
  readonly runDir?: string;
  readonly say?: (line: string) => void;
}

/** What an uninstall did. */
export interface UninstallResult {
  readonly mountPoint: string;
  readonly releasedVolumes: readonly string[];
}

/**
 * Stops and removes the service; with `releaseVolumes` also unmounts the filesystem and detaches and
 * deletes every volume the agent owns (the data is gone). Without it the mount, fstab and volumes stay.
 *
 * The order can be rerun after a crash at any step, and a rerun finishes the job: stop the agent;
 * take the mount point's lock (so it refuses, naming the PID, while any agent runs, one started outside
 * systemd too, and none starts under it); unmount; remove an LVM layout's volume group; release every
 * owned volume through core's release guard (unmounted and nothing stacked on it is the proof); and
 * only then remove the fstab line and the unit, which a rerun would need to find the work left.
 */
export async function uninstallAgent(options: UninstallOptions): Promise<UninstallResult> {
  const say = options.say ?? (() => undefined);
  const config = await loadConfig(options.configPath);
  // The mount point's instance, and the units of earlier versions for this mount point (none of another's).
  const instance = unitNameFor(config.mountPoint);
  const templatePath = join(options.unitDir, TEMPLATE_NAME);
  const dropInPath = dropInPathFor(options.unitDir, config.mountPoint);
  const installed = (await installedInstances(options.unitDir)).includes(instance) || (await exists(dropInPath));
  const legacy = await legacyUnitsFor(options.unitDir, config.mountPoint);
  const units = [...(installed || (await exists(templatePath)) ? [instance] : []), ...legacy];
  for (const unit of units) {
    await options.runner.run('systemctl', ['disable', '--now', unit], { allowFailure: true });
    say(`stopped and disabled ${unit}`);
  }
  const lock = await acquireMountLock(config.mountPoint, { dir: options.runDir ?? DEFAULT_RUN_DIR }).catch((error: unknown) => {
    const holder = error instanceof EbsAutoscaleError ? error.message.replace(/^\[ebs-autoscale\] \[lock\] /, '') : String(error);
    throw new EbsAutoscaleError('uninstall', 'DEVICE_IN_USE', `Refused, nothing was unmounted or released: ${holder}`, {
      hint: 'Then run uninstall again.',
      cause: error,
    });
  });
  const released: string[] = [];
  try {
    if (options.releaseVolumes) {
      await unmount(options.runner, config.mountPoint);
      if (config.driver.kind === 'lvm') await removeVolumeGroup(options.runner, config.driver.volumeGroup, say);
      const { driver, provisioner } = buildAgent(config, { ...options.world, runner: options.runner, devices: [] });
      const kept: KeptVolume[] = [];
      // A release killed mid-detach leaves a volume in-use with no device for a few seconds: wait for
      // such attachments to settle (at most a minute, as start-up's stray handling does), then judge.
      for (const volume of await settledVolumes(provisioner, systemClock, UNINSTALL_SETTLE_MS, 1000)) {
        const refused = await releaseIfUnused(driver, provisioner, volume);
        if (refused) {
          kept.push(refused);
          say(`KEPT ${volume.volumeId}: ${refused.hint}`);
        } else {
          released.push(volume.volumeId);
          say(`released ${volume.volumeId} (${volume.sizeGiB} GiB)`);
        }
      }
      if (kept.length > 0) {
        throw new EbsAutoscaleError(
          'uninstall',
          'DEVICE_IN_USE',
          `Kept ${kept.length} volume(s) that could not be proven unused: ${kept.map((volume) => volume.volumeId).join(', ')}; released ${released.length}.`,
          {
            hint: `${kept[0]?.hint ?? ''} Then run uninstall --release-volumes again: the fstab line and the unit stay until every volume is gone.`,
          },
        );
      }
      if ((await removeFstabEntries(options.fstabPath, config.mountPoint)) > 0) say(`removed the ${config.mountPoint} line from ${options.fstabPath}`);
    } else {
      say(`kept ${config.mountPoint}, its fstab line and its volumes (pass --release-volumes to delete them)`);
    }
    if (await exists(dropInPath)) {
      await removeDropIn(dropInPath);
      say(`removed ${dropInPath}`);
    }
    for (const unit of legacy) {
      await rm(join(options.unitDir, unit), { force: true });
      say(`removed ${join(options.unitDir, unit)}`);
    }
    // The template stays while another mount point's agent is installed: it runs that one too.
    const others = (await installedInstances(options.unitDir)).filter((name) => name !== instance);
    if (others.length === 0 && (await exists(templatePath))) {
      await rm(templatePath, { force: true });
      say(`removed ${templatePath}`);
    } else if (others.length > 0) {
      say(`kept ${templatePath}: ${others.join(', ')} still run${others.length === 1 ? 's' : ''} it`);
    }
    if (units.length > 0) await options.runner.run('systemctl', ['daemon-reload'], { allowFailure: true });
    else say(`no ${instance} in ${options.unitDir}; nothing to stop or remove`);
  } finally {
    await lock.release();
  }
  return { mountPoint: config.mountPoint, releasedVolumes: released };
}

/** Lets go of the devices before they are detached: EC2 would detach a mounted volume under the filesystem. */
async function unmount(runner: CommandRunner, mountPoint: string): Promise<void> {
  for (let attempt = 0; attempt < 5 && (await mountSource(mountPoint)) !== undefined; attempt += 1) {
    await runner.run('umount', [mountPoint], { allowFailure: true });
  }
  if ((await mountSource(mountPoint)) !== undefined) {
    throw new EbsAutoscaleError('uninstall', 'DEVICE_MOUNTED', `${mountPoint} is still mounted after 5 tries of umount; no volume was released.`, {
      hint: `Something holds it open: stop it (\`fuser -vm ${mountPoint}\` shows what), then run uninstall --release-volumes again.`,
    });
  }
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
  throw new EbsAutoscaleError(
    'uninstall',
    'COMMAND_FAILED',
    `\`vgremove ${volumeGroup}\` exited with code ${result.exitCode}${stderr ? `: ${stderr.split('\n').slice(-5).join(' | ')}` : ''}; no volume was released.`,
    {
      hint: `Something still uses the volume group ${volumeGroup}: unmount its logical volumes and stop what holds them open (\`lsof\`, \`dmsetup info -c\` show who), then run uninstall --release-volumes again.`,
    },
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
