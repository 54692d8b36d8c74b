import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EbsAutoscaleError, type ProvisionedVolume, type VolumeProvisioner } from '@ebs-autoscale/core';
import { LvmDriver } from '@ebs-autoscale/driver-lvm';
import { buildAgent } from '../agent/build-agent.js';
import { resolveHostDriver } from '../host/host-driver.js';
import { INSTALL_DEFAULTS, type AgentConfig } from '../config/agent-config.js';
import { loadConfig } from '../config/load-config.js';
import { canonicalMountPoint } from '../config/mount-point.js';
import { parseV1Config } from '../config/v1-config.js';
import { volumeSizeProblem } from '../config/configured-sizes.js';
import { withDeadline } from './deadline.js';
import { deviceKind } from './device-kind.js';
import { describeDistribution, OS_RELEASE_PATHS, readOsRelease } from '../host/distribution.js';
import { toolOnPath } from '../host/find-tool.js';
import type { InstallOptions } from './install-options.js';
import { inspectInstallTarget } from './install-target.js';
import { legacyUnitsFor } from './legacy-unit.js';
import { planUnits, removeDropIn, startInstance, writeUnits } from './agent-units.js';
import { ensureLvmFstabEntry } from './lvm-fstab.js';
import { checkPrerequisites, describeDriver } from '../host/prerequisites.js';
import { releaseCreatedVolume } from './release-created.js';

/** What an install did; `changed` is empty when everything was already in place. */
export interface InstallResult {
  readonly config: AgentConfig;
  /** `ebs-autoscale@<instance>.service`. */
  readonly unitName: string;
  readonly changed: readonly string[];
}

/**
 * Installs the agent: a check that this distribution has what the configured driver runs, then the
 * configuration (an existing one of either format is kept; a new one is written only once the check
 * passed), the first device (given, or a new volume), the filesystem
 * (btrfs, LVM with ext4 or xfs, or static ext4) mounted with its fstab line, the unit template and the
 * instance's drop-in when it needs one (`agent-units.ts`), then `daemon-reload` and `enable --now` of
 * `ebs-autoscale@<instance>.service`, retiring the units of earlier versions for this mount point (and
 * no other's). Each step checks first, so a second run changes nothing; the
 * whole is bounded by `timeoutMs`. Whatever can be refused (the size, the unit's values, a mount point
 * that is a file or already holds another filesystem) is refused before any EC2 call that changes
 * something, and a volume created for a step that then fails is released again.
 */
export async function installAgent(options: InstallOptions): Promise<InstallResult> {
  return withDeadline(options.timeoutMs, 'ebs-autoscale install', async (signal) => {
    const say = options.say ?? (() => undefined);
    const changed: string[] = [];
    const hasTool = options.hasTool ?? toolOnPath;
    const osReleasePaths = options.osReleasePaths ?? OS_RELEASE_PATHS;
    const { config, json } = await planConfig(options, osReleasePaths, hasTool);
    say(`configuration: ${options.configPath} (${config.format === 'v1' ? 'version 1' : "amazon-ebs-autoscale's format"})`);
    const { driver: driverConfig, distribution } = await resolveHostDriver(config, osReleasePaths);
    say(`${distribution.name}: ${describeDriver(driverConfig)}`);
    await checkPrerequisites(driverConfig, distribution, hasTool);
    // Everything that can refuse runs before anything is created, EC2 calls included (issue 12, item 4).
    const target = await inspectInstallTarget(config.mountPoint, driverConfig);
    const sizeGiB = options.initialSizeGiB ?? config.initialVolume.sizeGiB;
    const sizeProblem = volumeSizeProblem(sizeGiB, config.volume.type, config.volume.iops);
    if (target !== 'ours' && options.device === undefined && config.initialVolume.device === undefined && sizeProblem) {
      throw new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `The first volume's size: ${sizeProblem}; nothing was created.`, {
        hint: 'Pass another --initial-size, or set initialVolume.sizeGiB in the configuration.',
      });
    }
    const units = await planUnits({
      unitDir: options.unitDir,
      mountPoint: config.mountPoint,
      configPath: options.configPath,
      nodePath: options.nodePath,
      binPath: options.binPath,
      ...(options.runArgs ? { runArgs: options.runArgs } : {}),
    });
    const { unitName } = units;
    // Written only now: a refused install leaves no file behind to pin the next try's --driver.
    if (json !== undefined) {
      await mkdir(dirname(options.configPath), { recursive: true });
      await writeFile(options.configPath, json, { mode: 0o644 });
      changed.push(`wrote ${options.configPath}`);
    }
    const wiring = { ...options.world, runner: options.runner, fstabPath: options.fstabPath, driver: driverConfig };

    // Undone when anything below fails, the deadline included, once a volume was bought (issue 12, item 4).
    let created: { volume: ProvisionedVolume; provisioner: VolumeProvisioner } | undefined;
    const wroteUnits: string[] = [];
    try {
      if (target !== 'ours') {
        if (target === 'non-empty')
          say(`${config.mountPoint} is not empty: its files stay on the disk below, hidden while the new filesystem is mounted over them`);
        const device = options.device ?? config.initialVolume.device;
        let first: string;
        if (device !== undefined) {
          first = await checkedDevice(device, options.world?.sysRoot, say);
        } else {
          say(`creating the first volume: ${sizeGiB} GiB ${config.volume.type}`);
          const { provisioner } = buildAgent(config, { ...wiring, devices: [] });
          created = { volume: await provisioner.provision({ sizeGiB, signal }), provisioner };
          first = created.volume.device;
          changed.push(`created a ${sizeGiB} GiB volume (${first})`);
        }
        const withDevice = buildAgent(config, { ...wiring, devices: [first] });
        await withDevice.driver.prepare();
        if (withDevice.driver instanceof LvmDriver) await ensureLvmFstabEntry(options.fstabPath, withDevice.driver, options.runner);
        changed.push(`mounted ${describeDriver(driverConfig)} on ${config.mountPoint} (fstab: ${options.fstabPath})`);
      } else {
        say(`${config.mountPoint} is already mounted`);
      }
      // Past the deadline the caller has already been told install failed: do not start an agent now.
      signal.throwIfAborted();

      changed.push(...(await writeUnits(units, wroteUnits)));
      // A host installed by an earlier version: its unit for this mount point is retired once the instance runs.
      const legacy = await legacyUnitsFor(options.unitDir, config.mountPoint);
      // systemctl only when something changed: a second install must not restart a running agent.
      if (changed.length > 0 || legacy.length > 0) changed.push(...(await startInstance(options.runner, options.unitDir, unitName, legacy)));
    } catch (error) {
      if (created) {
        if (wroteUnits.length > 0) {
          await options.runner.run('systemctl', ['disable', '--now', unitName], { allowFailure: true });
          for (const path of wroteUnits) await (path === units.dropInPath ? removeDropIn(path) : rm(path, { force: true }));
        }
        await releaseCreatedVolume({
          ...created,
          runner: options.runner,
          mountPoint: config.mountPoint,
          fstabPath: options.fstabPath,
          say,
          ...(driverConfig.kind === 'lvm' ? { volumeGroup: driverConfig.volumeGroup } : {}),
        });
      }
      throw error;
    }
    return { config, unitName, changed };
  });
}

/** A device given to install, refused unless it is an EBS volume or NVMe instance storage. */
async function checkedDevice(device: string, sysRoot: string | undefined, say: (line: string) => void): Promise<string> {
  const { kind, model } = await deviceKind(device, sysRoot);
  if (kind === 'unknown') {
    throw new EbsAutoscaleError(
      'install',
      'INVALID_ARGUMENT',
      `${device} is neither an EBS volume nor NVMe instance storage (sysfs model: ${model ?? 'none'}).`,
      {
        hint: 'Pass an attached EBS volume or an instance-store disk, or leave out --device to create a volume.',
      },
    );
  }
  say(`first device: ${device} (${kind === 'ebs' ? 'EBS volume' : 'NVMe instance storage'})`);
  return device;
}

/**
 * The configuration install works with: an existing one of either format, kept as it is, or ours
 * built from the options, with `json` the text to write once the prerequisites are met.
 */
async function planConfig(
  options: InstallOptions,
  osReleasePaths: readonly string[],
  hasTool: (tool: string) => Promise<boolean>,
): Promise<{ config: AgentConfig; json?: string }> {
  const exists = await readFile(options.configPath, 'utf8').then(
    () => true,
    () => false,
  );
  if (exists) {
    const config = await loadConfig(options.configPath);
    if (options.driver !== undefined && options.driver !== config.driver.kind) {
      throw new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `${options.configPath} configures the ${config.driver.kind} driver, not ${options.driver}.`, {
        hint: 'Leave out --driver to keep the configuration, or change its driver yourself.',
      });
    }
    const asked = options.mountPoint === undefined ? undefined : await canonicalMountPoint(options.mountPoint, { path: '--mountpoint' });
    if (asked !== undefined && asked !== config.mountPoint) {
      throw new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `${options.configPath} is for ${config.mountPoint}, not ${asked}.`, {
        hint: `Uninstall the agent for ${config.mountPoint} first, or pass --config with another file.`,
      });
    }
    return { config };
  }
  const json = {
    version: 1,
    // The canonical spelling goes into the file, so the file says what the agent will use.
    mountPoint: await canonicalMountPoint(options.mountPoint ?? INSTALL_DEFAULTS.mountPoint, { path: '--mountpoint' }),
    driver: { kind: options.driver ?? (await defaultDriver(osReleasePaths, hasTool)) },
    ...(options.initialSizeGiB === undefined ? {} : { initialVolume: { sizeGiB: options.initialSizeGiB } }),
  };
  return { config: parseV1Config(json, options.configPath), json: `${JSON.stringify(json, null, 2)}\n` };
}

/**
 * btrfs, as amazon-ebs-autoscale defaulted to, except where the distribution has none and nobody
 * installed its tools by hand (Amazon Linux 2023): there LVM, whose filesystem is then the
 * distribution's xfs.
 */
async function defaultDriver(osReleasePaths: readonly string[], hasTool: (tool: string) => Promise<boolean>): Promise<'btrfs' | 'lvm'> {
  const distribution = describeDistribution(await readOsRelease(osReleasePaths));
  return distribution.btrfsUnsupported && !(await hasTool('mkfs.btrfs')) ? 'lvm' : 'btrfs';
}
