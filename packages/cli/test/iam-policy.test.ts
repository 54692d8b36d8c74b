import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.js';
import { buildIamPolicy, DEFAULT_OWNERSHIP_TAG, SOURCE_INSTANCE_ARN_VARIABLE } from '../src/iam/iam-policy.js';

const base = { version: 1, mountPoint: '/scratch' };
const statement = (policy: ReturnType<typeof buildIamPolicy>, action: string, resource: string) =>
  policy.Statement.filter((s) => s.Action.includes(action) && String(s.Resource).includes(resource));

describe('buildIamPolicy', () => {
  const policy = buildIamPolicy(parseConfig(base));

  it('is a 2012-10-17 document of Allow statements with unique Sids', () => {
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(new Set(policy.Statement.map((s) => s.Sid)).size).toBe(policy.Statement.length);
  });

  it('leaves only Describe calls unconditioned on *', () => {
    const open = policy.Statement.filter((s) => s.Resource === '*');
    expect(open).toHaveLength(1);
    expect(open[0]!.Action.every((a) => a.startsWith('ec2:Describe'))).toBe(true);
    expect(open[0]!.Condition).toBeUndefined();
  });

  it('creates only volumes that carry the ownership tag, encrypted and of the configured type', () => {
    const [create] = statement(policy, 'ec2:CreateVolume', 'volume/');
    expect(create?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/source-instance-arn': '${ec2:SourceInstanceARN}', 'ec2:VolumeType': 'gp3' },
      Bool: { 'ec2:Encrypted': 'true' },
    });
  });

  it('tags only as part of CreateVolume', () => {
    const tagging = policy.Statement.filter((s) => s.Action.includes('ec2:CreateTags'));
    expect(tagging).toHaveLength(1);
    expect(tagging[0]!.Condition).toEqual({ StringEquals: { 'ec2:CreateAction': 'CreateVolume' } });
  });

  it('attaches, detaches and deletes only volumes with the ownership tag', () => {
    for (const action of ['ec2:AttachVolume', 'ec2:DetachVolume', 'ec2:DeleteVolume']) {
      const onVolumes = statement(policy, action, 'volume/');
      expect(onVolumes, action).toHaveLength(1);
      expect(onVolumes[0]!.Condition).toEqual({ StringEquals: { [`ec2:ResourceTag/${DEFAULT_OWNERSHIP_TAG}`]: SOURCE_INSTANCE_ARN_VARIABLE } });
    }
    expect(statement(policy, 'ec2:ModifyInstanceAttribute', 'instance/')).toHaveLength(1);
  });

  it('grants ModifyVolume only to a driver that grows in place, and KMS only with a key', () => {
    expect(policy.Statement.some((s) => s.Action.includes('ec2:ModifyVolume'))).toBe(false);
    expect(policy.Statement.some((s) => s.Action.some((a) => a.startsWith('kms:')))).toBe(false);
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const rich = buildIamPolicy(parseConfig({ ...base, driver: { kind: 'ext4-static' }, volume: { kmsKeyId: key } }), {
      region: 'us-east-1',
      accountId: '123456789012',
      ownershipTag: 'owner',
      ownershipValue: 'scratch',
    });
    expect(statement(rich, 'ec2:ModifyVolume', 'volume/')[0]!.Condition).toEqual({ StringEquals: { 'ec2:ResourceTag/owner': 'scratch' } });
    const grant = rich.Statement.find((s) => s.Action.includes('kms:CreateGrant'))!;
    expect(grant.Resource).toBe(key);
    expect(grant.Condition).toEqual({ StringLike: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' }, Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    expect(String(statement(rich, 'ec2:CreateVolume', 'volume/')[0]!.Resource)).toBe('arn:aws:ec2:us-east-1:123456789012:volume/*');
  });

  it('grants ModifyVolume and DescribeVolumesModifications to hybrid growth on btrfs, on owned volumes only; a shrink needs only detach and delete', () => {
    const describesModifications = (p: ReturnType<typeof buildIamPolicy>) => statement(p, 'ec2:DescribeVolumesModifications', '*').length;
    expect(describesModifications(policy)).toBe(0);
    const hybrid = buildIamPolicy(parseConfig({ ...base, growth: { hybrid: true } }));
    expect(statement(hybrid, 'ec2:ModifyVolume', 'volume/')[0]!.Condition).toEqual({
      StringEquals: { [`ec2:ResourceTag/${DEFAULT_OWNERSHIP_TAG}`]: SOURCE_INSTANCE_ARN_VARIABLE },
    });
    expect(describesModifications(hybrid)).toBe(1);
    expect(buildIamPolicy(parseConfig({ ...base, growth: { hybrid: false } })).Statement.some((s) => s.Action.includes('ec2:ModifyVolume'))).toBe(false);
    const shrinking = buildIamPolicy(parseConfig({ ...base, shrink: { quietPeriodSeconds: 600 } }));
    expect(shrinking).toEqual(policy);
    for (const action of ['ec2:DetachVolume', 'ec2:DeleteVolume']) expect(statement(shrinking, action, 'volume/'), action).toHaveLength(1);
  });
});

describe('buildIamPolicy with the release artifact', () => {
  const config = parseConfig({ version: 1, mountPoint: '/scratch' });

  it('allows reading that object and the SHA256SUMS beside it, and nothing else of S3', () => {
    const policy = buildIamPolicy(config, { artifact: 's3://my-bucket/rel/ebs-autoscale-0.1.0-linux-arm64.tar.gz', partition: 'aws-cn' });
    const s3 = policy.Statement.filter((entry) => entry.Action.some((action) => action.startsWith('s3:')));
    expect(s3).toEqual([
      {
        Sid: 'FetchTheReleaseArtifact',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: ['arn:aws-cn:s3:::my-bucket/rel/ebs-autoscale-0.1.0-linux-arm64.tar.gz', 'arn:aws-cn:s3:::my-bucket/rel/SHA256SUMS'],
      },
    ]);
    expect(buildIamPolicy(config).Statement.some((entry) => entry.Action.some((action) => action.startsWith('s3:')))).toBe(false);
  });

  it('refuses an https artifact, which needs no S3 permission', () => {
    expect(() => buildIamPolicy(config, { artifact: 'https://x/ebs-autoscale-0.1.0-linux-x64.tar.gz' })).toThrow(/not in S3/);
  });
});
