import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EbsAutoscaleError } from '@ebs-autoscale/core';
import { buildAgent } from '../agent/build-agent.js';
import { mountSource } from '../agent/mount-source.js';
import type { AgentConfig } from '../config/agent-config.js';
import { loadConfig } from '../config/load-config.js';
import { parseV1Config } from '../config/v1-config.js';
import { withDeadline } from './deadline.js';
import { deviceKind } from './device-kind.js';
import type { InstallOptions } from './install-options.js';
import { buildSystemdUnit, UNIT_NAME } from './systemd-unit.js';

/** What an install did; `changed` is empty when everything was already in place. */
export interface InstallResult {
  readonly config: AgentConfig;
  readonly unitPath: string;
  readonly changed: readonly string[];
}

/**
 * Installs the agent: configuration (an existing one of either format is kept), the first device
 * (given, or a new volume), the btrfs mount with its fstab line, the systemd unit, then
 * `daemon-reload` and `enable --now`. Each step checks first, so a second run changes nothing; the
 * whole is bounded by `timeoutMs`.
 */
export async function installAgent(options: InstallOptions): Promise<InstallResult> {
  return withDeadline(options.timeoutMs, 'ebs-autoscale install', async (signal) => {
    const say = options.say ?? (() => undefined);
    const changed: string[] = [];
    const config = await ensureConfig(options, changed);
    say(`configuration: ${options.configPath} (${config.format === 'v1' ? 'version 1' : "amazon-ebs-autoscale's format"})`);

    if ((await mountSource(config.mountPoint)) === undefined) {
      const device = options.device ?? config.initialVolume.device;
      const built = buildAgent(config, { ...options.world, runner: options.runner, fstabPath: options.fstabPath, devices: [] });
      let first: string;
      if (device !== undefined) {
        const { kind, model } = await deviceKind(device, options.world?.sysRoot);
        if (kind === 'unknown') {
          throw new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `${device} is neither an EBS volume nor NVMe instance storage (sysfs model: ${model ?? 'none'}).`, {
            hint: 'Pass an attached EBS volume or an instance-store disk, or leave out --device to create a volume.',
          });
        }
        say(`first device: ${device} (${kind === 'ebs' ? 'EBS volume' : 'NVMe instance storage'})`);
        first = device;
      } else {
        const sizeGiB = options.initialSizeGiB ?? config.initialVolume.sizeGiB;
        say(`creating the first volume: ${sizeGiB} GiB ${config.volume.type}`);
        first = (await built.provisioner.provision({ sizeGiB, signal })).device;
        changed.push(`created a ${sizeGiB} GiB volume (${first})`);
      }
      const withDevice = buildAgent(config, { ...options.world, runner: options.runner, fstabPath: options.fstabPath, devices: [first] });
      await withDevice.driver.prepare();
      changed.push(`mounted btrfs on ${config.mountPoint} (fstab: ${options.fstabPath})`);
    } else {
      say(`${config.mountPoint} is already mounted`);
    }

    const unitPath = join(options.unitDir, UNIT_NAME);
    const unit = buildSystemdUnit({ mountPoint: config.mountPoint, configPath: options.configPath, nodePath: options.nodePath, binPath: options.binPath, ...(options.runArgs ? { runArgs: options.runArgs } : {}) });
    if ((await readFile(unitPath, 'utf8').catch(() => undefined)) !== unit) {
      await mkdir(options.unitDir, { recursive: true });
      await writeFile(unitPath, unit, { mode: 0o644 });
      changed.push(`wrote ${unitPath}`);
    }
    // systemctl only when something changed: a second install must not restart a running agent.
    if (changed.length > 0) {
      await options.runner.run('systemctl', ['daemon-reload']);
      await options.runner.run('systemctl', ['enable', '--now', UNIT_NAME]);
      changed.push(`enabled and started ${UNIT_NAME}`);
    }
    return { config, unitPath, changed };
  });
}

/** Keeps an existing configuration of either format; otherwise writes ours. */
async function ensureConfig(options: InstallOptions, changed: string[]): Promise<AgentConfig> {
  const exists = await readFile(options.configPath, 'utf8').then(() => true, () => false);
  if (exists) {
    const config = await loadConfig(options.configPath);
    if (options.mountPoint !== undefined && options.mountPoint !== config.mountPoint) {
      throw new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `${options.configPath} is for ${config.mountPoint}, not ${options.mountPoint}.`, {
        hint: `Uninstall the agent for ${config.mountPoint} first, or pass --config with another file.`,
      });
    }
    return config;
  }
  const json = {
    version: 1,
    mountPoint: options.mountPoint ?? '/scratch',
    driver: { kind: 'btrfs' },
    ...(options.initialSizeGiB === undefined ? {} : { initialVolume: { sizeGiB: options.initialSizeGiB } }),
  };
  const config = parseV1Config(json, options.configPath);
  await mkdir(dirname(options.configPath), { recursive: true });
  await writeFile(options.configPath, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o644 });
  changed.push(`wrote ${options.configPath}`);
  return config;
}
