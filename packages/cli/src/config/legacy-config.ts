import { DEFAULT_LIMITS } from '@ebs-autoscale/core';
import { INSTALL_DEFAULTS, type AgentConfig, type DriverConfig } from './agent-config.js';
import { checkConfiguredLimits } from './configured-sizes.js';
import { IssueList } from './issues.js';
import { ObjectReader } from './object-reader.js';
import { readVolume } from './read-volume.js';

/**
 * Reads amazon-ebs-autoscale's `/etc/ebs-autoscale.json` exactly as its install.sh writes it (numbers
 * as strings, `encrypted: 1`, `imdsv2`), so a host switches agents without editing the file. Keys are
 * its own: see `config/ebs-autoscale.json` and `bin/ebs-autoscale` in awslabs/amazon-ebs-autoscale.
 * Throws a `ConfigError` listing every problem.
 */
export function parseLegacyConfig(json: unknown, file?: string): AgentConfig {
  const issues = new IssueList();
  const root = ObjectReader.of(json, '', issues);
  if (!root) {
    issues.throwIfAny(file);
    throw new Error('unreachable');
  }
  const num = { integer: true, acceptStrings: true };
  const mountPoint = root.string('mountpoint', { required: true, absolutePath: true }) ?? INSTALL_DEFAULTS.mountPoint;
  const filesystem = root.string('filesystem', { oneOf: ['btrfs', 'lvm.ext4'] }) ?? 'btrfs';
  const imdsv2Raw = root.raw('imdsv2');
  const imdsv2 = imdsv2Raw === undefined ? true : readLegacyBool(root, issues, 'imdsv2', imdsv2Raw);

  const lvm = root.object('lvm');
  const volumeGroup = lvm?.string('volume_group') ?? INSTALL_DEFAULTS.volumeGroup;
  const logicalVolume = lvm?.string('logical_volume') ?? INSTALL_DEFAULTS.logicalVolume;
  lvm?.finish();
  const driver: DriverConfig =
    filesystem === 'lvm.ext4' ? { kind: 'lvm', layout: 'linear', volumeGroup, logicalVolume, filesystem: 'ext4' } : { kind: 'btrfs' };

  const volume = readVolume(root.object('volume'), issues, { legacy: true });
  const detectionSeconds = root.number('detection_interval', { ...num, min: 1, max: 3600 }) ?? INSTALL_DEFAULTS.detectionIntervalSeconds;

  const limitsReader = root.object('limits');
  const minVolumeGiB = limitsReader?.number('min_ebs_volume_size', { ...num, min: 1, max: 65536 });
  const maxVolumeGiB = limitsReader?.number('max_ebs_volume_size', { ...num, min: 1, max: 65536 });
  // bin/ebs-autoscale compares the mount's size with it; install.sh calls it --max-total-created-size.
  const maxTotalCreatedGiB = limitsReader?.number('max_logical_volume_size', { ...num, min: 1, max: Number.MAX_SAFE_INTEGER });
  // bin/ebs-autoscale stops adding once this many of its own volumes are attached.
  const maxAttachedVolumes = limitsReader?.number('max_ebs_volume_count', { ...num, min: 1, max: 127 });
  const threshold = limitsReader?.number('initial_utilization_threshold', { ...num, min: 1, max: 100 });
  limitsReader?.finish();
  const limits = {
    ...DEFAULT_LIMITS,
    ...(minVolumeGiB === undefined ? {} : { minVolumeGiB }),
    ...(maxVolumeGiB === undefined ? {} : { maxVolumeGiB }),
    ...(maxTotalCreatedGiB === undefined ? {} : { maxTotalCreatedGiB }),
    ...(maxAttachedVolumes === undefined ? {} : { maxAttachedVolumes }),
  };
  const prefix = 'limits.';
  checkConfiguredLimits(
    limits,
    volume.type,
    {
      minVolumeGiB: `${prefix}min_ebs_volume_size`,
      maxVolumeGiB: `${prefix}max_ebs_volume_size`,
      maxTotalCreatedGiB: `${prefix}max_logical_volume_size`,
      maxAttachedVolumes: `${prefix}max_ebs_volume_count`,
    },
    issues,
    { value: volume.iops, path: 'volume.iops' },
  );

  const logging = root.object('logging');
  const logFile = logging?.string('log_file', { absolutePath: true }) ?? INSTALL_DEFAULTS.logFile;
  // log_interval counts detection loops between summary lines, not seconds.
  const logLoops = logging?.number('log_interval', { ...num, min: 1 }) ?? 300;
  logging?.finish();
  root.finish();
  issues.throwIfAny(file);

  return {
    format: 'amazon-ebs-autoscale',
    mountPoint,
    driver,
    policy: { kind: 'compatibility', initialThresholdPercent: threshold ?? INSTALL_DEFAULTS.initialThresholdPercent, intervalMs: detectionSeconds * 1000 },
    volume,
    initialVolume: { sizeGiB: INSTALL_DEFAULTS.initialSizeGiB },
    limits: Object.freeze(limits),
    reconcile: { orphans: 'delete' },
    imdsv2,
    metrics: { host: '127.0.0.1' },
    logging: { level: 'info', file: logFile, summaryIntervalSeconds: logLoops * detectionSeconds },
  };
}

function readLegacyBool(root: ObjectReader, issues: IssueList, key: string, value: unknown): boolean {
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  issues.expected(root.at(key), 'true or false', value);
  return true;
}
