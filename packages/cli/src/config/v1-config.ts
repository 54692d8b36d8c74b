import { DEFAULT_LIMITS, type ScalingLimits } from '@ebs-autoscale/core';
import { INSTALL_DEFAULTS, LOG_LEVELS, type AgentConfig, type DriverConfig, type LogLevel, type PolicyConfig } from './agent-config.js';
import { checkConfiguredLimits, volumeSizeProblem } from './configured-sizes.js';
import { IssueList } from './issues.js';
import { ObjectReader } from './object-reader.js';
import { readVolume } from './read-volume.js';
import { readGrowthConfig, readShrinkConfig } from './growth-and-shrink-config.js';
import { readReclaimConfig, readReservationsConfig } from './reclaim-config.js';

const NAME: [RegExp, string] = [/^[A-Za-z0-9+_.-]{1,127}$/, 'an LVM name: 1–127 of letters, digits and +_.-'];

/**
 * Reads our own format (`"version": 1`): camelCase keys, real numbers and booleans, a choice of
 * driver and policy, KMS key, extra tags, reconcile behaviour, metrics, and how capacity grows and shrinks. Everything but
 * `mountPoint` has a default. Throws a `ConfigError` listing every problem.
 *
 * @example
 * ```json
 * { "version": 1, "mountPoint": "/scratch", "driver": { "kind": "btrfs" },
 *   "policy": { "kind": "predictive" }, "volume": { "type": "gp3", "iops": 6000 } }
 * ```
 */
export function parseV1Config(json: unknown, file?: string): AgentConfig {
  const issues = new IssueList();
  const root = ObjectReader.of(json, '', issues);
  if (!root) {
    issues.throwIfAny(file);
    throw new Error('unreachable');
  }
  root.ignore('$schema');
  const version = root.raw('version');
  if (version !== undefined && version !== 1) issues.expected('version', '1', version);
  const mountPoint = root.string('mountPoint', { required: true, absolutePath: true }) ?? INSTALL_DEFAULTS.mountPoint;
  const driver = readDriver(root.object('driver'));
  const policy = readPolicy(root.object('policy'));
  const volume = readVolume(root.object('volume'), issues, { legacy: false, keys: { kmsKeyId: 'kmsKeyId', tags: 'tags' } });

  const initial = root.object('initialVolume');
  const givenSize = initial?.number('sizeGiB', { integer: true, min: 1 });
  const sizeProblem = givenSize === undefined ? undefined : volumeSizeProblem(givenSize, volume.type, volume.iops);
  if (sizeProblem) issues.add('initialVolume.sizeGiB', sizeProblem);
  const sizeGiB = givenSize ?? INSTALL_DEFAULTS.initialSizeGiB;
  const device = initial?.string('device', { absolutePath: true });
  initial?.finish();

  const limits = readLimits(root.object('limits'));
  checkConfiguredLimits(
    limits,
    volume.type,
    {
      minVolumeGiB: 'limits.minVolumeGiB',
      maxVolumeGiB: 'limits.maxVolumeGiB',
      maxTotalCreatedGiB: 'limits.maxTotalCreatedGiB',
      maxAttachedVolumes: 'limits.maxAttachedVolumes',
    },
    issues,
    { value: volume.iops, path: 'volume.iops' },
  );

  const reconcileReader = root.object('reconcile');
  const orphans = (reconcileReader?.string('orphans', { oneOf: ['attach', 'delete'] }) ?? 'delete') as 'attach' | 'delete';
  reconcileReader?.finish();

  const metricsReader = root.object('metrics');
  const port = metricsReader?.number('port', { integer: true, min: 1, max: 65535 });
  const host = metricsReader?.string('host') ?? '127.0.0.1';
  metricsReader?.finish();

  const logging = root.object('logging');
  const level = (logging?.string('level', { oneOf: LOG_LEVELS }) ?? 'info') as LogLevel;
  const logFile = logging?.string('file', { absolutePath: true });
  const summaryIntervalSeconds = logging?.number('summaryIntervalSeconds', { min: 1 }) ?? 600;
  logging?.finish();
  const reclaim = readReclaimConfig(root.object('reclaim'), issues);
  const reservationsReader = root.object('reservations');
  const reservations = reservationsReader ? readReservationsConfig(reservationsReader) : undefined;
  const growth = readGrowthConfig(root.object('growth'), driver, issues);
  const shrink = readShrinkConfig(root.object('shrink'), driver, issues);
  root.finish();
  issues.throwIfAny(file);

  return {
    format: 'v1',
    mountPoint,
    driver,
    policy,
    volume,
    initialVolume: { sizeGiB, ...(device ? { device } : {}) },
    limits,
    reconcile: { orphans },
    imdsv2: true,
    metrics: { host, ...(port === undefined ? {} : { port }) },
    logging: { level, summaryIntervalSeconds, ...(logFile ? { file: logFile } : {}) },
    ...(reclaim ? { reclaim } : {}),
    ...(reservations ? { reservations } : {}),
    ...(growth ? { growth } : {}),
    ...(shrink ? { shrink } : {}),
  };

  function readDriver(reader: ObjectReader | undefined): DriverConfig {
    if (!reader) return { kind: 'btrfs' };
    const kind = reader.string('kind', { required: true, oneOf: ['btrfs', 'lvm', 'ext4-static'] });
    let driver: DriverConfig = { kind: 'btrfs' };
    if (kind === 'lvm') {
      const layout = (reader.string('layout', { oneOf: ['thin-pool', 'linear'] }) ?? 'thin-pool') as 'thin-pool' | 'linear';
      const volumeGroup = reader.string('volumeGroup', { pattern: NAME }) ?? INSTALL_DEFAULTS.volumeGroup;
      const logicalVolume = reader.string('logicalVolume', { pattern: NAME }) ?? INSTALL_DEFAULTS.logicalVolume;
      // Left out, it is the distribution's preference, decided on the host (host/distribution.ts).
      const filesystem = reader.string('filesystem', { oneOf: ['ext4', 'xfs'] }) as 'ext4' | 'xfs' | undefined;
      driver = { kind, layout, volumeGroup, logicalVolume, ...(filesystem ? { filesystem } : {}) };
    } else if (kind === 'ext4-static') driver = { kind };
    reader.finish();
    return driver;
  }

  // Without a policy section our format runs the predictive policy with core's defaults; amazon-ebs-autoscale's
  // step schedule (threshold 50) is the `compatibility` kind, and the legacy format's only policy.
  function readPolicy(reader: ObjectReader | undefined): PolicyConfig {
    const defaultIntervalMs = INSTALL_DEFAULTS.detectionIntervalSeconds * 1000;
    if (!reader) return { kind: 'predictive', intervalMs: defaultIntervalMs };
    const kind = reader.string('kind', { required: true, oneOf: ['compatibility', 'predictive'] }) ?? 'predictive';
    const initialThresholdPercent = reader.number('initialThresholdPercent', { min: 1, max: 100 });
    const intervalSeconds = reader.number('intervalSeconds', { min: 0.1, max: 3600 });
    const intervalMs = intervalSeconds === undefined ? defaultIntervalMs : Math.round(intervalSeconds * 1000);
    if (kind !== 'predictive') {
      reader.finish();
      return { kind: 'compatibility', initialThresholdPercent: initialThresholdPercent ?? INSTALL_DEFAULTS.initialThresholdPercent, intervalMs };
    }
    const optional = (key: string, min: number, max: number) => {
      const value = reader.number(key, { min, max });
      return value === undefined ? {} : { [key]: value };
    };
    const policy: PolicyConfig = {
      kind,
      intervalMs,
      ...(initialThresholdPercent === undefined ? {} : { initialThresholdPercent }),
      ...optional('leadTimeSeconds', 1, 3600),
      ...optional('safetyFactor', 1, 100),
      ...optional('horizonSeconds', 60, 7 * 86400),
      ...optional('rateWindowSeconds', 5, 3600),
      ...optional('minFreeSeconds', 0, 3600),
    };
    reader.finish();
    return policy;
  }

  function readLimits(reader: ObjectReader | undefined): ScalingLimits {
    if (!reader) return DEFAULT_LIMITS;
    // Totals have no EBS maximum, but beyond 2^53 a count of GiB is no longer exact (`1e20` was accepted).
    const read = (key: keyof ScalingLimits, max = Number.MAX_SAFE_INTEGER) => {
      const value = reader.number(key, { integer: true, min: 1, max });
      return value === undefined ? {} : { [key]: value };
    };
    const limits = {
      ...DEFAULT_LIMITS,
      ...read('minVolumeGiB', 65536),
      ...read('maxVolumeGiB', 65536),
      ...read('maxTotalCreatedGiB'),
      ...read('maxAttachedVolumes', 127),
      ...read('maxCreatedVolumes'),
    };
    reader.finish();
    return Object.freeze(limits);
  }
}
