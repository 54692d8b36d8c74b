import { GIB, MIB } from '@ebs-autoscale/core';
import { describe, expect, it } from 'vitest';
import { parseBytesPerGiB, scaledCapacity } from '../src/agent/scaled-capacity.js';
import { main } from '../src/cli/main.js';
import { worldRunArgs, worldSettings } from '../src/cli/world-options.js';
import { capture } from './helpers/sim-host.js';

describe('the simulator world options of run, install and uninstall', () => {
  it('parses the size scale in bytes or with a unit, and refuses what no loop device could be', () => {
    expect(parseBytesPerGiB('134217728')).toBe(128 * MIB);
    expect(parseBytesPerGiB('128MiB')).toBe(128 * MIB);
    expect(parseBytesPerGiB('1GiB')).toBe(GIB);
    for (const bad of ['0', '1000', '128MB', '2GiB', 'big', '1048577']) expect(parseBytesPerGiB(bad), bad).toBeUndefined();
  });

  it('turns them into agent settings: endpoints, sandbox roots, and a capacity wait in scaled bytes', () => {
    const settings = worldSettings({
      simulator: 'http://127.0.0.1:1',
      imds: 'http://127.0.0.1:2',
      'dev-root': '/s/dev',
      'sys-root': '/s/sys',
      'bytes-per-gib': '128MiB',
    });
    expect(settings).toMatchObject({
      ec2ClientConfig: { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' },
      metadataEndpoint: 'http://127.0.0.1:2',
      devRoot: '/s/dev',
      sysRoot: '/s/sys',
    });
    // A 2 GiB scale-up counts as done at half of 2 × 128 MiB of real growth, as 0.5 × 2 GiB on EC2.
    expect(settings.capacity).toEqual(scaledCapacity(128 * MIB));
    expect((settings.capacity?.minGrowthRatio ?? 0) * 2 * GIB).toBe(128 * MIB);
    expect(worldSettings({})).toEqual({});
  });

  it('writes them back as run arguments, region only with a simulator', () => {
    expect(
      worldRunArgs({ simulator: 'http://s', region: 'eu-west-1', imds: 'http://i', 'dev-root': '/d', 'sys-root': '/y', 'bytes-per-gib': '128MiB' }),
    ).toEqual(['--simulator', 'http://s', '--region', 'eu-west-1', '--imds', 'http://i', '--dev-root', '/d', '--sys-root', '/y', '--bytes-per-gib', '128MiB']);
    expect(worldRunArgs({ region: 'eu-west-1' })).toEqual([]);
  });

  it('run refuses a bad --bytes-per-gib with exit 2 before reading the configuration', async () => {
    const out = capture();
    expect(await main(['run', '--config', '/nonexistent.json', '--bytes-per-gib', 'lots'], out.io)).toBe(2);
    expect(out.text()).toContain('--bytes-per-gib expects bytes from 1 MiB to 1 GiB');
  });
});
