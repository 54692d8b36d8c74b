import { GIB } from '@ebs-autoscale/core';
import { describe, expect, it } from 'vitest';
import { buildAgent } from '../src/agent/build-agent.js';
import { SHRINK_DEFAULTS } from '../src/config/growth-and-shrink-config.js';
import { ConfigError } from '../src/config/issues.js';
import { parseConfig } from '../src/config/load-config.js';

const base = { version: 1, mountPoint: '/scratch' };

function issuesOf(json: unknown): string[] {
  try {
    parseConfig(json);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('the growth and shrink sections', () => {
  it('are absent unless written, and read into core’s options in core’s units', () => {
    const plain = parseConfig(base);
    expect(plain.growth).toBeUndefined();
    expect(plain.shrink).toBeUndefined();
    const config = parseConfig({
      ...base,
      growth: { hybrid: true },
      shrink: { quietPeriodSeconds: 2.5, highWaterFreePercent: 40, minFreeGiB: 0.5, hysteresisPercent: 5 },
    });
    expect(config.growth).toEqual({ hybrid: true });
    expect(config.shrink).toEqual({ quietPeriodMs: 2500, highWaterFreePercent: 40, minFreeBytes: 0.5 * GIB, hysteresisPercent: 5 });
    expect(parseConfig({ ...base, shrink: {} }).shrink).toEqual({
      quietPeriodMs: SHRINK_DEFAULTS.quietPeriodSeconds * 1000,
      highWaterFreePercent: SHRINK_DEFAULTS.highWaterFreePercent,
      minFreeBytes: SHRINK_DEFAULTS.minFreeGiB * GIB,
    });
  });

  it('name the field that is wrong', () => {
    expect(issuesOf({ ...base, growth: { hybrid: 'yes' } })).toEqual(['growth.hybrid: expected true or false, got "yes"']);
    expect(issuesOf({ ...base, growth: { inPlace: true } })[0]).toMatch(/^growth.inPlace: unknown key; expected one of "hybrid"/);
    expect(issuesOf({ ...base, shrink: { quietPeriodSeconds: 0 } })[0]).toMatch(/^shrink.quietPeriodSeconds: expected a number from 1 to 2592000, got 0/);
    expect(issuesOf({ ...base, shrink: { highWaterFreePercent: 100 } })[0]).toMatch(/^shrink.highWaterFreePercent: expected a number from 1 to 99, got 100/);
    expect(issuesOf({ ...base, shrink: { minFreeGiB: -1 } })[0]).toMatch(/^shrink.minFreeGiB: expected a number from 0/);
    expect(issuesOf({ ...base, shrink: { quietPeriod: 60 } })[0]).toMatch(/^shrink.quietPeriod: unknown key/);
  });

  it('refuse a driver that cannot do it, saying why', () => {
    expect(issuesOf({ ...base, driver: { kind: 'lvm' }, shrink: {} })).toEqual([
      expect.stringMatching(/^shrink: the lvm driver \(ext4 or xfs on LVM\) cannot shrink online/),
    ]);
    expect(issuesOf({ ...base, driver: { kind: 'lvm', filesystem: 'xfs' }, shrink: {} })).toEqual([
      expect.stringMatching(/^shrink: the lvm driver \(xfs on LVM\) cannot shrink online/),
    ]);
    expect(issuesOf({ ...base, driver: { kind: 'ext4-static' }, shrink: {} })).toEqual([
      expect.stringMatching(/^shrink: the ext4-static driver cannot shrink online.*driver.kind "btrfs"/),
    ]);
    expect(issuesOf({ ...base, driver: { kind: 'lvm' }, growth: { hybrid: true } })).toEqual([
      expect.stringMatching(/^growth.hybrid: hybrid growth .* needs the btrfs driver; the lvm driver only adds physical volumes/),
    ]);
    expect(issuesOf({ ...base, driver: { kind: 'ext4-static' }, growth: { hybrid: true } })).toEqual([
      expect.stringMatching(/^growth.hybrid: .*ext4-static driver always grows its one volume in place/),
    ]);
    // Off is fine everywhere.
    expect(issuesOf({ ...base, driver: { kind: 'lvm' }, growth: { hybrid: false } })).toEqual([]);
  });

  it('reach the autoscaler: hybrid growth as its strategy', () => {
    const built = (json: object) =>
      buildAgent(parseConfig(json), {
        devices: ['/dev/nvme1n1'],
        ec2ClientConfig: { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } },
        metadataEndpoint: 'http://127.0.0.1:9',
      });
    const growthOf = (json: object) => (built(json).autoscaler as unknown as { growth?: { name: string } }).growth?.name;
    expect(growthOf({ ...base, growth: { hybrid: true } })).toBe('hybrid');
    expect(growthOf(base)).not.toBe('hybrid');
    const shrinkOf = (json: object) => (built(json).autoscaler as unknown as { shrinkRule?: unknown }).shrinkRule;
    expect(shrinkOf({ ...base, shrink: { quietPeriodSeconds: 5 } })).toMatchObject({ quietPeriodMs: 5000 });
    expect(shrinkOf(base)).toBeUndefined();
  });
});
