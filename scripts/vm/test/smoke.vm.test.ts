import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Proves the harness gives tests what the host can't: device-mapper (for LVM) and root with the
// capabilities that online growth needs.
describe('the test VM', () => {
  it('has device-mapper', () => {
    expect(readFileSync('/proc/misc', 'utf8')).toMatch(/\bdevice-mapper\b/);
    expect(execFileSync('dmsetup', ['version'], { encoding: 'utf8' })).toMatch(/Driver version/);
  });

  it('has the thin-pool target and the filesystems the drivers use', () => {
    const targets = execFileSync('dmsetup', ['targets'], { encoding: 'utf8' });
    expect(targets).toMatch(/^thin-pool\b/m);
    const filesystems = readFileSync('/proc/filesystems', 'utf8');
    for (const fs of ['ext4', 'xfs', 'btrfs']) expect(filesystems).toMatch(new RegExp(`\\b${fs}\\b`));
  });

  it('runs as root with CAP_SYS_RESOURCE', () => {
    expect(process.getuid?.()).toBe(0);
    const capEff = /CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
    const CAP_SYS_RESOURCE = 24n;
    expect((BigInt(`0x${capEff}`) >> CAP_SYS_RESOURCE) & 1n).toBe(1n);
  });
});
