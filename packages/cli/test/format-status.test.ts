import type { AutoscalerStatus } from '@ebs-autoscale/core';
import { DEFAULT_LIMITS, GIB } from '@ebs-autoscale/core';
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../src/status/format-status.js';

const status: AutoscalerStatus = {
  state: 'running',
  scaling: false,
  mountPoint: '/scratch',
  driver: 'btrfs',
  provisioner: 'ebs',
  policy: 'compatibility',
  intervalMs: 2000,
  limits: DEFAULT_LIMITS,
  usage: {
    totalBytes: 350 * GIB,
    usedBytes: 200 * GIB,
    availableBytes: 150 * GIB,
    gauges: [
      { kind: 'bytes', usedPercent: 57.14 },
      { kind: 'btrfs-metadata', usedPercent: 61.2, detail: '1.2 GiB of 2 GiB' },
    ],
  },
  worst: { kind: 'btrfs-metadata', usedPercent: 61.2 },
  devices: ['/dev/nvme1n1', '/dev/nvme2n1'],
  volumes: [{ volumeId: 'vol-0abc', sizeGiB: 150, state: 'in-use', device: '/dev/nvme2n1', deleteOnTermination: true }],
  addedVolumes: 1,
  addedGiB: 150,
  lastDecision: { action: 'scale', sizeGiB: 150, trigger: 'threshold', thresholdPercent: 50, worstPercent: 61.2 },
  lastDecisionAt: 1_000_000,
  consecutiveFailures: 0,
  retryAt: undefined,
  limitReached: undefined,
  readOnly: false,
  keptVolumes: [],
};

describe('formatStatus', () => {
  it('shows hybrid growth, the modification budget left per volume, and the shrinks; nothing of it for an older status file', () => {
    const hour = 3_600_000;
    const now = 100 * hour;
    // Four in place within the rolling 24 h: none left until the oldest leaves the window.
    const hybrid: AutoscalerStatus = {
      ...status,
      growth: 'hybrid',
      inPlaceGrowths: [{ volumeId: 'vol-0abc', startedAt: [now - 30 * hour, now - 20 * hour, now - 10 * hour, now - 3 * hour, now - hour] }],
      removals: { released: 2, kept: 0, cancelled: 1 },
    };
    const text = formatStatus(hybrid, { now });
    expect(text).toContain('Growth: hybrid · 5 in place · shrinks: 2 released, 0 kept, 1 cancelled');
    expect(text).toMatch(/Volume\s+In place \(24 h\)\s+Modifications left\nvol-0abc\s+4\s+0 of 4, next in 4\.0 h/);
    const fresh = formatStatus({ ...hybrid, inPlaceGrowths: [], removals: { released: 0, kept: 0, cancelled: 0 } }, { now });
    expect(fresh).toMatch(/vol-0abc\s+0\s+4 of 4\n/);
    expect(formatStatus({ ...status, growth: 'add-device', inPlaceGrowths: [], removals: { released: 1, kept: 0, cancelled: 0 } }, { now })).not.toContain(
      'Modifications left',
    );
    expect(formatStatus(status, { now })).not.toContain('Growth:');
  });

  it('lists the reservations, waiting and granted, and what the reclaimers freed; nothing of it for an older status file', () => {
    const now = 10_000_000;
    const text = formatStatus(
      {
        ...status,
        reservations: [
          {
            id: 'r-1',
            holder: 'align-42',
            bytes: 300 * GIB,
            state: 'granted',
            requestedAt: now - 60_000,
            ttlMs: 3_600_000,
            grantedAt: now - 30_000,
            expiresAt: now + 3_570_000,
          },
          { id: 'r-2', holder: 'sort-7', bytes: 50 * GIB, state: 'waiting', requestedAt: now - 5_000, ttlMs: 3_600_000 },
        ],
        reservedBytes: 350 * GIB,
        reclaimers: ['docker'],
        reclaimedBytes: 12 * GIB,
      },
      { now },
    );
    expect(text).toContain('Reservations (2, 350 GiB promised):');
    expect(text).toMatch(/r-1\s+align-42\s+300 GiB\s+granted\s+\S+/);
    expect(text).toMatch(/r-2\s+sort-7\s+50 GiB\s+waiting\s+-/);
    expect(text).toContain('Reclaimers: docker · 12 GiB freed so far');
    const older = formatStatus(status, { now });
    expect(older).not.toContain('Reservations');
    expect(older).not.toContain('Reclaimers');
  });

  it('shows usage, every gauge, devices, volumes, limits and the last decision', () => {
    const text = formatStatus(status, { now: 1_003_000, pid: 42 });
    expect(text).toContain('ebs-autoscale /scratch: running (PID 42)');
    expect(text).toMatch(/Capacity\s+Used\s+Available\s+Worst gauge\n350 GiB\s+200 GiB\s+150 GiB\s+btrfs-metadata 61\.2%/);
    expect(text).toMatch(/btrfs-metadata\s+61\.2%\s+1\.2 GiB of 2 GiB/);
    expect(text).toContain('Devices (2): /dev/nvme1n1, /dev/nvme2n1');
    expect(text).toMatch(/vol-0abc\s+150 GiB\s+in-use\s+\/dev\/nvme2n1\s+yes/);
    expect(text).toContain('Limits: volumes 150–1500 GiB · at most 8000 GiB created · at most 16 attached · at most unlimited created');
    expect(text).toContain('Last decision (3.0 s ago): scale +150 GiB (threshold; worst 61.2% vs threshold 50.0%)');
  });

  it('says plainly when there is no sample yet, a limit is reached, or scales failed', () => {
    const text = formatStatus(
      { ...status, usage: undefined, worst: undefined, volumes: [], limitReached: 'max-attached-volumes', consecutiveFailures: 2, retryAt: 1_010_000 },
      { now: 1_000_000 },
    );
    expect(text).toContain('No usage sample yet.');
    expect(text).toContain('Owned volumes: none added yet.');
    expect(text).toContain('LIMIT REACHED: max-attached-volumes');
    expect(text).toContain('Failures: 2 in a row, next try in 10 s');
  });

  it('says so in the header when the mount is read-only, and nothing when it is writable', () => {
    expect(formatStatus({ ...status, readOnly: true }, { now: 1_000_000 })).toMatch(
      /^ebs-autoscale \/scratch: running\n.*\n {2}READ-ONLY: \/scratch is mounted read-only; no scale-up until it is writable again\n/,
    );
    expect(formatStatus(status, { now: 1_000_000 })).not.toContain('READ-ONLY');
  });

  it('lists the volumes kept because they could not be proven unused, with what to check; nothing when there are none', () => {
    const hint = 'No block device of vol-0def is visible, so it cannot be proven unused: check udev.';
    const text = formatStatus({ ...status, keptVolumes: [{ volumeId: 'vol-0def', reason: 'device-not-visible', hint }] }, { now: 1_000_000 });
    expect(text).toContain('KEPT, not released (1)');
    expect(text).toMatch(/vol-0def\s+-\s+device-not-visible\s+No block device of vol-0def/);
    expect(formatStatus(status, { now: 1_000_000 })).not.toContain('KEPT');
    const { keptVolumes: _kept, ...older } = status;
    expect(formatStatus(older as AutoscalerStatus, { now: 1_000_000 })).not.toContain('KEPT');
  });

  it('reads a status that went through JSON (Infinity became null)', () => {
    const revived = JSON.parse(JSON.stringify(status)) as AutoscalerStatus;
    expect(formatStatus(revived, { now: 1_000_000 })).toContain('at most unlimited created');
  });
});
