import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/issues.js';
import { parseConfig, parseConfigText } from '../src/config/load-config.js';

/** The file amazon-ebs-autoscale's install.sh writes with its defaults (numbers as strings). */
const legacy = {
  mountpoint: '/scratch',
  filesystem: 'btrfs',
  lvm: { volume_group: 'autoscale_vg', logical_volume: 'autoscale_lv' },
  volume: { type: 'gp3', iops: '3000', throughput: '125', encrypted: 1 },
  detection_interval: 2,
  limits: {
    min_ebs_volume_size: '150',
    max_ebs_volume_size: '1500',
    max_logical_volume_size: '8000',
    max_ebs_volume_count: '16',
    initial_utilization_threshold: '50',
  },
  logging: { log_file: '/var/log/ebs-autoscale.log', log_interval: 300 },
};

const v1 = { version: 1, mountPoint: '/scratch', volume: { type: 'gp3', iops: 3000 } };

// The patches reach into arbitrary JSON to break it on purpose: `any` is the honest type here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withPatch<T extends object>(base: T, patch: (copy: any) => void): T {
  const copy = structuredClone(base);
  patch(copy);
  return copy;
}

/** A case given as the file's text, for what only text can show: a byte order mark, a key written twice. */
class FileText {
  constructor(readonly text: string) {}
}

function issuesOf(json: unknown): string[] {
  try {
    if (json instanceof FileText) parseConfigText(json.text);
    else parseConfig(json);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    throw error;
  }
  return [];
}

describe('parseConfig: valid files', () => {
  it('reads amazon-ebs-autoscale’s file as install.sh writes it', () => {
    const config = parseConfig(legacy);
    expect(config.format).toBe('amazon-ebs-autoscale');
    expect(config.mountPoint).toBe('/scratch');
    expect(config.driver).toEqual({ kind: 'btrfs' });
    expect(config.volume).toMatchObject({ type: 'gp3', iops: 3000, throughput: 125, encrypted: true });
    expect(config.limits).toMatchObject({ minVolumeGiB: 150, maxVolumeGiB: 1500, maxTotalCreatedGiB: 8000, maxAttachedVolumes: 16 });
    expect(config.policy).toEqual({ kind: 'compatibility', initialThresholdPercent: 50, intervalMs: 2000 });
    expect(config.logging.summaryIntervalSeconds).toBe(600);
  });

  it('reads lvm.ext4 with its volume group, and drops iops that install.sh wrote for gp2', () => {
    const config = parseConfig(withPatch(legacy, (c) => ((c.filesystem = 'lvm.ext4'), (c.volume.type = 'gp2'), (c.imdsv2 = 'true'))));
    expect(config.driver).toEqual({ kind: 'lvm', layout: 'linear', volumeGroup: 'autoscale_vg', logicalVolume: 'autoscale_lv', filesystem: 'ext4' });
    expect(config.volume.iops).toBeUndefined();
    expect(config.imdsv2).toBe(true);
  });

  it('leaves IOPS and throughput to EBS when the file has no volume section, so small volumes are valid', () => {
    // EBS gives every gp3 volume 3,000 IOPS and 125 MiB/s; asking for them explicitly is valid at any size too.
    for (const json of [{ version: 1, mountPoint: '/scratch' }, { mountpoint: '/scratch' }]) {
      const { volume } = parseConfig(json);
      expect(volume).toEqual({ type: 'gp3', encrypted: true, tags: {} });
    }
    expect(parseConfig({ ...v1, limits: { minVolumeGiB: 1, maxVolumeGiB: 4 } }).volume.iops).toBe(3000);
    expect(parseConfig({ ...v1, volume: { type: 'gp3', iops: 4000 }, limits: { minVolumeGiB: 8, maxVolumeGiB: 8 } }).volume.iops).toBe(4000);
  });

  it('reads an LVM driver whose filesystem is left to the distribution', () => {
    expect(parseConfig({ ...v1, driver: { kind: 'lvm' } }).driver).toEqual({
      kind: 'lvm',
      layout: 'thin-pool',
      volumeGroup: 'autoscale_vg',
      logicalVolume: 'autoscale_lv',
    });
    expect(parseConfig({ ...v1, driver: { kind: 'lvm', layout: 'linear', filesystem: 'xfs' } }).driver).toMatchObject({ layout: 'linear', filesystem: 'xfs' });
  });

  it('runs the predictive policy with core’s threshold when our format leaves the policy out; compatibility keeps 50', () => {
    expect(parseConfig({ version: 1, mountPoint: '/scratch' }).policy).toEqual({ kind: 'predictive', intervalMs: 2000 });
    expect(parseConfig({ ...v1, policy: { kind: 'predictive' } }).policy).toEqual({ kind: 'predictive', intervalMs: 2000 });
    expect(parseConfig({ ...v1, policy: { kind: 'predictive', initialThresholdPercent: 80, minFreeSeconds: 0 } }).policy).toMatchObject({
      initialThresholdPercent: 80,
      minFreeSeconds: 0,
    });
    expect(parseConfig({ ...v1, policy: { kind: 'compatibility' } }).policy).toEqual({ kind: 'compatibility', initialThresholdPercent: 50, intervalMs: 2000 });
  });

  it('reads our format with a predictive policy, KMS key and tags', () => {
    const config = parseConfig({
      $schema: 'https://example.invalid/schema.json',
      mountPoint: '/var/lib/docker',
      driver: { kind: 'btrfs' },
      policy: { kind: 'predictive', leadTimeSeconds: 20 },
      volume: { type: 'io2', iops: 8000, encrypted: true, kmsKeyId: 'alias/scratch', tags: { team: 'genomics' } },
      reconcile: { orphans: 'delete' },
      metrics: { port: 9108 },
    });
    expect(config.format).toBe('v1');
    expect(config.policy).toMatchObject({ kind: 'predictive', leadTimeSeconds: 20 });
    expect(config.volume).toMatchObject({ type: 'io2', iops: 8000, kmsKeyId: 'alias/scratch', tags: { team: 'genomics' } });
    expect(config.reconcile.orphans).toBe('delete');
    expect(config.metrics.port).toBe(9108);
  });
});

/** Each malformed file and the message an operator reads. */
const malformed: [name: string, json: unknown, expected: string[]][] = [
  ['not an object', [], ['expected an object, got []']],
  ['legacy: missing mountpoint', withPatch(legacy, (c) => delete c.mountpoint), ['mountpoint: is required']],
  [
    'legacy: relative mountpoint',
    withPatch(legacy, (c) => (c.mountpoint = 'scratch')),
    ['mountpoint: expected an absolute path (starting with /), got "scratch"'],
  ],
  [
    'legacy: unfilled placeholder',
    withPatch(legacy, (c) => (c.mountpoint = '%%MOUNTPOINT%%')),
    ["mountpoint: %%MOUNTPOINT%% is an unfilled placeholder of amazon-ebs-autoscale's install.sh"],
  ],
  ['legacy: unknown filesystem', withPatch(legacy, (c) => (c.filesystem = 'zfs')), ['filesystem: expected one of "btrfs" or "lvm.ext4", got "zfs"']],
  [
    'legacy: iops not a number',
    withPatch(legacy, (c) => (c.volume.iops = 'fast')),
    ['volume.iops: expected an integer from 3000 to 80000 for gp3, got "fast"'],
  ],
  [
    'legacy: iops out of range for io1',
    withPatch(legacy, (c) => ((c.volume.type = 'io1'), (c.volume.iops = '90000'))),
    ['volume.iops: expected an integer from 100 to 64000 for io1, got "90000"'],
  ],
  [
    'legacy: unknown volume type',
    withPatch(legacy, (c) => (c.volume.type = 'gp4')),
    ['volume.type: expected one of "gp3", "gp2", "io1", "io2", "st1" or "sc1", got "gp4"'],
  ],
  [
    'legacy: throughput too high',
    withPatch(legacy, (c) => (c.volume.throughput = 2001)),
    ['volume.throughput: expected an integer from 125 to 2000 for gp3, got 2001'],
  ],
  ['legacy: encrypted as "yes"', withPatch(legacy, (c) => (c.volume.encrypted = 'yes')), ['volume.encrypted: expected true, false, 1 or 0, got "yes"']],
  [
    'legacy: min above max',
    withPatch(legacy, (c) => (c.limits.min_ebs_volume_size = '2000')),
    ['limits.min_ebs_volume_size: expected at most limits.max_ebs_volume_size (1500), got 2000'],
  ],
  [
    'legacy: fractional count',
    withPatch(legacy, (c) => (c.limits.max_ebs_volume_count = '2.5')),
    ['limits.max_ebs_volume_count: expected an integer from 1 to 127, got "2.5"'],
  ],
  [
    'legacy: threshold above 100',
    withPatch(legacy, (c) => (c.limits.initial_utilization_threshold = 150)),
    ['limits.initial_utilization_threshold: expected an integer from 1 to 100, got 150'],
  ],
  ['legacy: zero detection interval', withPatch(legacy, (c) => (c.detection_interval = 0)), ['detection_interval: expected an integer from 1 to 3600, got 0']],
  ['legacy: misspelt key', withPatch(legacy, (c) => (c.limits.max_ebs_volume_cout = 16)), ['limits.max_ebs_volume_cout: unknown key; expected one of']],
  [
    'legacy: st1 below its minimum size',
    withPatch(legacy, (c) => ((c.volume.type = 'st1'), (c.limits.min_ebs_volume_size = '100'))),
    ['limits.min_ebs_volume_size: expected at least 125 GiB for st1 volumes, got 100'],
  ],
  [
    'legacy: relative log file',
    withPatch(legacy, (c) => (c.logging.log_file = 'ebs.log')),
    ['logging.log_file: expected an absolute path (starting with /), got "ebs.log"'],
  ],
  ['v1: wrong version', { ...v1, version: 2 }, ['version: expected 1, got 2']],
  ['v1: unknown driver', { ...v1, driver: { kind: 'zfs' } }, ['driver.kind: expected one of "btrfs", "lvm" or "ext4-static", got "zfs"']],
  ['v1: unknown policy', { ...v1, policy: { kind: 'eager' } }, ['policy.kind: expected one of "compatibility" or "predictive", got "eager"']],
  ['v1: iops on gp2', { ...v1, volume: { type: 'gp2', iops: 3000 } }, ['volume.iops: gp2 volumes take no provisioned IOPS; remove it, got 3000']],
  ['v1: io2 without iops', { ...v1, volume: { type: 'io2' } }, ['volume.iops: is required for io2: an integer from 100 to 256000']],
  ['v1: numbers as strings', { ...v1, volume: { type: 'gp3', iops: '3000' } }, ['volume.iops: expected an integer from 3000 to 80000 for gp3, got "3000"']],
  [
    'v1: throughput above the gp3 ratio',
    { ...v1, volume: { type: 'gp3', iops: 3000, throughput: 1000 } },
    ['volume.throughput: expected at most 750 MiB/s for gp3 with 3000 IOPS'],
  ],
  [
    'v1: throughput above the gp3 baseline ratio, no iops',
    { ...v1, volume: { type: 'gp3', throughput: 1000 } },
    ['volume.throughput: expected at most 750 MiB/s for gp3 with 3000 IOPS'],
  ],
  [
    'v1: KMS key without encryption',
    { ...v1, volume: { encrypted: false, kmsKeyId: 'alias/x' } },
    ['volume.kmsKeyId: a KMS key is set but `encrypted` is false'],
  ],
  ['v1: malformed KMS key', { ...v1, volume: { kmsKeyId: 'my key' } }, ['volume.kmsKeyId: expected a KMS key id, key ARN, alias name']],
  [
    'v1: reserved tag',
    { ...v1, volume: { tags: { 'aws:owner': 'x' } } },
    ['volume.tags.aws:owner: tag keys starting with "aws:" (in any case) are reserved for AWS'],
  ],
  [
    'v1: reserved tag in capitals',
    { ...v1, volume: { tags: { 'AWS:Owner': 'x' } } },
    ['volume.tags.AWS:Owner: tag keys starting with "aws:" (in any case) are reserved for AWS'],
  ],
  [
    'v1: our ownership tag',
    { ...v1, volume: { tags: { 'ebs-autoscale:mount-point': '/elsewhere' } } },
    ["volume.tags.ebs-autoscale:mount-point: is the agent's own ownership tag"],
  ],
  ['v1: our source-instance tag', { ...v1, volume: { tags: { 'source-instance': 'i-0' } } }, ["volume.tags.source-instance: is the agent's own ownership tag"]],
  ['v1: tag key with a bad character', { ...v1, volume: { tags: { 'a|b': 'x' } } }, ['volume.tags.a|b: key must be 1–128 characters']],
  [
    'v1: initial volume above the gp2 maximum',
    { ...v1, volume: { type: 'gp2' }, initialVolume: { sizeGiB: 20000 } },
    ['initialVolume.sizeGiB: expected a whole number of GiB from 1 to 16384 for gp2 volumes, got 20000'],
  ],
  [
    'v1: initial volume of 1e20 GiB',
    { ...v1, initialVolume: { sizeGiB: 1e20 } },
    ['initialVolume.sizeGiB: expected a whole number of GiB from 1 to 65536 for gp3 volumes, got 100000000000000000000'],
  ],
  [
    'v1: st1 initial volume below its minimum',
    { ...v1, volume: { type: 'st1' }, initialVolume: { sizeGiB: 100 }, limits: { minVolumeGiB: 125 } },
    ['initialVolume.sizeGiB: expected a whole number of GiB from 125 to 16384 for st1 volumes, got 100'],
  ],
  [
    'v1: total of 1e20 GiB',
    { ...v1, limits: { maxTotalCreatedGiB: 1e20 } },
    ['limits.maxTotalCreatedGiB: expected an integer from 1 to 9007199254740991, got 100000000000000000000'],
  ],
  [
    'legacy: total of 1e20 GiB',
    withPatch(legacy, (c) => (c.limits.max_logical_volume_size = 1e20)),
    ['limits.max_logical_volume_size: expected an integer from 1 to 9007199254740991'],
  ],
  [
    'v1: newline in the mount point',
    { ...v1, mountPoint: '/scratch\n[Service]\nExecStartPre=/bin/sh -c id' },
    ['mountPoint: expected a path without control characters (newline, tab, NUL, …), got "/scratch\\n[Service]\\nExecStartPre=/bin/sh -c id" with U+000A'],
  ],
  [
    'v1: NUL in the mount point',
    { ...v1, mountPoint: '/scr\0atch' },
    ['mountPoint: expected a path without control characters (newline, tab, NUL, …), got "/scr\\u0000atch" with U+0000'],
  ],
  ['v1: tab in the mount point', { ...v1, mountPoint: '/scr\tatch' }, ['mountPoint: expected a path without control characters']],
  ['v1: DEL in the mount point', { ...v1, mountPoint: '/scr\u007fatch' }, ['mountPoint: expected a path without control characters']],
  ['v1: C1 control in the mount point', { ...v1, mountPoint: '/scr\u0085atch' }, ['mountPoint: expected a path without control characters']],
  ['legacy: newline in the mountpoint', withPatch(legacy, (c) => (c.mountpoint = '/scratch\nx')), ['mountpoint: expected a path without control characters']],
  ['v1: carriage return in the log file', { ...v1, logging: { file: '/var/log/x\r.log' } }, ['logging.file: expected a path without control characters']],
  [
    'text: a key twice at the top',
    new FileText('{ "version": 1, "mountPoint": "/scratch", "mountPoint": "/etc" }'),
    ['mountPoint: appears twice in the same object; JSON keeps only the last'],
  ],
  [
    'text: a key twice in a nested object, spelt two ways',
    new FileText('{ "version": 1, "mountPoint": "/scratch", "volume": { "tags": { "team": "a", "t\\u0065am": "b" } } }'),
    ['volume.tags.team: appears twice'],
  ],
  [
    'text: the same key in two objects is fine, twice in one is not',
    new FileText(
      '{ "version": 1, "mountPoint": "/s", "limits": { "minVolumeGiB": 150 }, "policy": { "kind": "predictive", "intervalSeconds": 1, "intervalSeconds" : 2 } }',
    ),
    ['policy.intervalSeconds: appears twice'],
  ],
  ['text: not JSON', new FileText('{ "version": 1, '), ['not valid JSON']],
  [
    'text: a byte order mark is skipped, so the real problem shows',
    new FileText('\uFEFF{ "version": 1, "mountPoint": "scratch" }'),
    ['mountPoint: expected an absolute path (starting with /), got "scratch"'],
  ],
  ['v1: tag value not a string', { ...v1, volume: { tags: { team: 7 } } }, ['volume.tags.team: expected a string, got 7']],
  ['v1: bad orphan policy', { ...v1, reconcile: { orphans: 'ignore' } }, ['reconcile.orphans: expected one of "attach" or "delete", got "ignore"']],
  ['v1: metrics port out of range', { ...v1, metrics: { port: 70000 } }, ['metrics.port: expected an integer from 1 to 65535, got 70000']],
  [
    'v1: unknown log level',
    { ...v1, logging: { level: 'loud' } },
    ['logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal" or "silent", got "loud"'],
  ],
  [
    'v1: total below the minimum volume',
    { ...v1, limits: { maxTotalCreatedGiB: 100 } },
    ['limits.maxTotalCreatedGiB: expected at least the minimum volume size (150 GiB), got 100'],
  ],
  ['v1: lvm with a bad name', { ...v1, driver: { kind: 'lvm', volumeGroup: 'my vg' } }, ['driver.volumeGroup: expected an LVM name']],
  ['v1: snake_case key from the old format', { ...v1, detection_interval: 2 }, ['detection_interval: unknown key; expected one of']],
  [
    'v1: lvm with an unknown layout',
    { ...v1, driver: { kind: 'lvm', layout: 'striped' } },
    ['driver.layout: expected one of "thin-pool" or "linear", got "striped"'],
  ],
  // EC2 allows gp3 IOPS above the 3,000 baseline at 500 per GiB: 16,000 needs 32 GiB volumes.
  [
    'v1: gp3 IOPS too high for the smallest volume',
    { ...v1, volume: { type: 'gp3', iops: 16000 }, limits: { minVolumeGiB: 8, maxVolumeGiB: 64 } },
    ['volume.iops: 16000 IOPS needs gp3 volumes of at least 32 GiB (500 IOPS per GiB), but limits.minVolumeGiB is 8'],
  ],
  [
    'legacy: io1 IOPS too high for the smallest volume',
    withPatch(legacy, (c) => ((c.volume.type = 'io1'), (c.volume.iops = '8000'), (c.limits.min_ebs_volume_size = '150'))),
    ['volume.iops: 8000 IOPS needs io1 volumes of at least 160 GiB (50 IOPS per GiB), but limits.min_ebs_volume_size is 150'],
  ],
];

describe('parseConfig: malformed files', () => {
  it.each(malformed)('%s', (_name, json, expected) => {
    const issues = issuesOf(json);
    expect(issues.length).toBeGreaterThan(0);
    for (const message of expected)
      expect(
        issues.some((issue) => issue.startsWith(message)),
        `${message}\n  not among\n${issues.join('\n')}`,
      ).toBe(true);
  });

  it('has at least 20 cases', () => {
    expect(malformed.length).toBeGreaterThanOrEqual(20);
  });

  it('reads a file with a byte order mark like one without, and reports one issue per duplicate', () => {
    expect(parseConfigText('\uFEFF{ "version": 1, "mountPoint": "/scratch" }').mountPoint).toBe('/scratch');
    expect(
      issuesOf(new FileText('{ "version": 1, "mountPoint": "/a", "mountPoint": "/b", "mountPoint": "/c", "volume": { "type": "gp3", "type": "gp2" } }')),
    ).toEqual([
      'mountPoint: appears twice in the same object; JSON keeps only the last, so remove the one you did not mean',
      'volume.type: appears twice in the same object; JSON keeps only the last, so remove the one you did not mean',
    ]);
    // Keys inside arrays of objects and string values that look like keys are not confused.
    expect(issuesOf(new FileText('{ "version": 1, "mountPoint": "/a", "$schema": "x:", "volume": { "tags": { "a": "mountPoint" } } }'))).toEqual([]);
  });

  it('lists every problem of a file, not only the first', () => {
    const issues = issuesOf({ ...v1, mountPoint: 'x', volume: { type: 'gp3', iops: 'fast', throughput: 5 }, typo: true });
    expect(issues).toHaveLength(4);
    expect(issues.join('\n')).toContain('volume.iops: expected an integer from 3000 to 80000 for gp3, got "fast"');
  });

  it('throws an error whose message names the file and every field', () => {
    let message = '';
    try {
      parseConfig({ ...v1, volume: { iops: 'fast' }, metrics: { port: 0 } }, '/etc/ebs-autoscale.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('2 problems in /etc/ebs-autoscale.json');
    expect(message).toContain('volume.iops');
    expect(message).toContain('metrics.port');
  });
});
