import { hasErrorCode, type EbsAutoscaleError } from '@ebs-autoscale/core';
import { describe, expect, it } from 'vitest';
import { assertRoomForVolume, DEFAULT_EBS_LIMITS, instanceAttachmentLimit, type LimitInput } from '../src/limits.js';
import { validateVolumeSpec } from '../src/volume-types.js';
import { volumeTags } from '../src/tags.js';
import type { InstanceIdentity } from '../src/instance-identity.js';

function thrown(run: () => void): EbsAutoscaleError {
  try {
    run();
  } catch (error) {
    return error as EbsAutoscaleError;
  }
  throw new Error('expected a throw');
}

describe('volume type validation', () => {
  it('accepts the defaults and rejects sizes outside a type', () => {
    expect(() => validateVolumeSpec({}, 100)).not.toThrow();
    expect(
      hasErrorCode(
        thrown(() => validateVolumeSpec({ type: 'st1' }, 100)),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(thrown(() => validateVolumeSpec({ type: 'gp2' }, 20_000)).message).toMatch(/1 to 16384/);
  });

  it('checks IOPS and throughput per type', () => {
    expect(() => validateVolumeSpec({ type: 'io2', iops: 5000 }, 100)).not.toThrow();
    expect(thrown(() => validateVolumeSpec({ type: 'io1' }, 100)).message).toMatch(/need provisioned IOPS/);
    expect(thrown(() => validateVolumeSpec({ type: 'io1', iops: 6000 }, 100)).message).toMatch(/100–5000 IOPS/);
    expect(thrown(() => validateVolumeSpec({ type: 'gp2', iops: 3000 }, 100)).message).toMatch(/no provisioned IOPS/);
    expect(thrown(() => validateVolumeSpec({ type: 'gp3', throughputMiBps: 1000 }, 100)).message).toMatch(/125–750 MiB\/s/);
    expect(() => validateVolumeSpec({ type: 'gp3', iops: 4000, throughputMiBps: 1000 }, 100)).not.toThrow();
    // The gp3 baseline is valid at any size; only IOPS above it need 1 GiB per 500.
    expect(() => validateVolumeSpec({ type: 'gp3', iops: 3000 }, 1)).not.toThrow();
    expect(thrown(() => validateVolumeSpec({ type: 'gp3', iops: 4000 }, 2)).message).toMatch(/3000–3000 IOPS/);
  });

  it('allows gp3 up to the limits of September 2025: 64 TiB, 80,000 IOPS, 2,000 MiB/s', () => {
    expect(() => validateVolumeSpec({ type: 'gp3', iops: 80_000, throughputMiBps: 2000 }, 65_536)).not.toThrow();
    expect(thrown(() => validateVolumeSpec({ type: 'gp3' }, 65_537)).message).toMatch(/1 to 65536/);
    expect(thrown(() => validateVolumeSpec({ type: 'gp3', iops: 80_001 }, 1000)).message).toMatch(/at most 80000/);
    expect(thrown(() => validateVolumeSpec({ type: 'gp3', iops: 80_000, throughputMiBps: 2001 }, 1000)).message).toMatch(/125–2000 MiB\/s/);
  });
});

describe('limits', () => {
  const base: LimitInput = {
    sizeGiB: 100,
    instanceType: 'm5.large',
    attachedVolumes: 1,
    attachedDataVolumes: 0,
    networkInterfaces: 1,
    instanceStoreDisks: 0,
    created: [],
  };

  it('passes under every limit', () => {
    expect(() => assertRoomForVolume(base, DEFAULT_EBS_LIMITS)).not.toThrow();
  });

  it.each([
    ['maxAttachedVolumes', { attachedVolumes: 17, attachedDataVolumes: 16 }],
    ['instanceAttachmentSlots', { attachedVolumes: 13, networkInterfaces: 15 }],
    ['maxOwnedVolumes', { created: Array.from({ length: 16 }, () => ({ sizeGiB: 1, ours: true })) }],
    ['maxCreatedVolumes', { created: Array.from({ length: 16 }, () => ({ sizeGiB: 1, ours: false })) }],
    ['maxTotalCreatedGiB', { created: [{ sizeGiB: 7950, ours: true }] }],
    ['maxVolumeGiB', { sizeGiB: 20_000 }],
    ['minVolumeGiB', { sizeGiB: 0 }],
  ] as const)('names %s when it is reached', (limit, change) => {
    const error = thrown(() =>
      assertRoomForVolume({ ...base, ...change }, { ...DEFAULT_EBS_LIMITS, maxAttachedVolumes: limit === 'instanceAttachmentSlots' ? 40 : 16 }),
    );
    expect(error.code).toBe('LIMIT_REACHED');
    expect(error.message).toContain(limit);
  });

  it('counts the data volumes against maxAttachedVolumes, never the root volume', () => {
    // core's maxAttachedVolumes and amazon-ebs-autoscale's max_ebs_volume_count both count data volumes;
    // a root volume counted here refused the last volume they allow.
    expect(() => assertRoomForVolume({ ...base, attachedVolumes: 16, attachedDataVolumes: 15 }, DEFAULT_EBS_LIMITS)).not.toThrow();
    expect(thrown(() => assertRoomForVolume({ ...base, attachedVolumes: 17, attachedDataVolumes: 16 }, DEFAULT_EBS_LIMITS)).message).toContain(
      'maxAttachedVolumes',
    );
  });

  it('shares Nitro slots with network interfaces but not Xen ones', () => {
    expect(instanceAttachmentLimit('m5.large')).toEqual({ slots: 28, sharedWithInterfaces: true });
    expect(instanceAttachmentLimit('m4.large')).toEqual({ slots: 40, sharedWithInterfaces: false });
  });
});

describe('volume tags', () => {
  const identity: InstanceIdentity = {
    instanceId: 'i-1',
    availabilityZone: 'us-east-1a',
    region: 'us-east-1',
    instanceType: 'm5.large',
    accountId: '123456789012',
    partition: 'aws',
    arn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-1',
    tags: [
      { key: 'team: storage', value: 'a=b c' },
      { key: 'aws:cloudformation:stack-name', value: 'x' },
      { key: 'source-instance', value: 'spoofed' },
    ],
    blockDeviceMappings: [],
    tagsSource: 'imds',
  };

  it('copies instance tags verbatim, drops aws:*, and keeps our ownership tags authoritative', () => {
    const tags = volumeTags(identity, '/scratch', 1_700_000_000_500);
    expect(tags).toContainEqual({ Key: 'team: storage', Value: 'a=b c' });
    expect(tags.some((tag) => tag.Key?.startsWith('aws:'))).toBe(false);
    expect(tags.filter((tag) => tag.Key === 'source-instance')).toEqual([{ Key: 'source-instance', Value: 'i-1' }]);
    expect(tags).toContainEqual({ Key: 'amazon-ebs-autoscale-creation-time', Value: '1700000000' });
    expect(tags).toContainEqual({ Key: 'source-instance-arn', Value: identity.arn });
    expect(tags).toContainEqual({ Key: 'ebs-autoscale:mount-point', Value: '/scratch' });
  });

  it('never exceeds the 50 tags EC2 allows', () => {
    const many = { ...identity, tags: Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: 'v' })) };
    const tags = volumeTags(many, '/scratch', 0);
    expect(tags).toHaveLength(50);
    expect(tags).toContainEqual({ Key: 'source-instance', Value: 'i-1' });
  });
});
