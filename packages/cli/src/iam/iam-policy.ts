import { parseArtifactSource, userdataError } from '../userdata/artifact-source.js';
import type { AgentConfig } from '../config/agent-config.js';
import { BLOCK_DEVICE_MAPPING_ATTRIBUTE, REFUSED_INSTANCE_ATTRIBUTES } from './instance-attributes.js';

/**
 * The tag that marks a volume as this instance's: `@ebs-autoscale/provisioner-ebs` sets
 * `source-instance-arn` to the creating instance's ARN at CreateVolume.
 */
export const DEFAULT_OWNERSHIP_TAG = 'source-instance-arn';

/**
 * The IAM policy variable holding the calling instance's ARN (set for instance-profile credentials),
 * so one policy confines every instance to the volumes it created itself.
 */
export const SOURCE_INSTANCE_ARN_VARIABLE = '${ec2:SourceInstanceARN}';

/** One IAM policy statement. */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** An IAM policy document. */
export interface IamPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly IamStatement[];
}

/** Options of {@link buildIamPolicy}. */
export interface IamPolicyOptions {
  /** Tag key marking the agent's volumes. Default {@link DEFAULT_OWNERSHIP_TAG}. */
  ownershipTag?: string;
  /** The value that tag must have. Default {@link SOURCE_INSTANCE_ARN_VARIABLE}: the calling instance. */
  ownershipValue?: string;
  /** AWS partition. Default `aws`. */
  partition?: string;
  /** Region to confine resources to. Default `*`. */
  region?: string;
  /** Account to confine resources to. Default `*`. */
  accountId?: string;
  /**
   * Further confines the instance-side actions (attach, detach, DeleteOnTermination), which only ever
   * reach the calling instance itself, to instances carrying this tag, e.g.
   * `{ key: 'aws:batch:compute-environment', value: 'genomics' }`.
   */
  instanceTag?: { key: string; value: string };
  /**
   * The release artifact the user data fetches, `s3://bucket/key.tar.gz`: adds `s3:GetObject` on it and
   * on the `SHA256SUMS` beside it, and nothing else of the bucket.
   */
  artifact?: string;
}

/**
 * The least-privilege IAM policy the configured agent needs, as a JSON-ready object:
 * - `Describe*` calls on `*`, since EC2 supports no resource-level permissions for them;
 * - `CreateVolume` only with the ownership tag naming the calling instance in the request (and only encrypted, of the configured type);
 * - `CreateTags` only as part of `CreateVolume`, so the agent cannot tag someone else's volume as its own;
 * - attach, detach, delete (and modify, for a driver or hybrid growth that grows in place) only on volumes the
 *   instance owns; a shrink needs no more than detach and delete;
 * - attach and detach only on the calling instance itself, and `ModifyInstanceAttribute` only there and
 *   only for the block-device mapping (DeleteOnTermination): never `userData`, `instanceType`, …;
 * - `kms:*` grants only for the configured key, only via EC2.
 *
 * @example
 * ```ts
 * const policy = buildIamPolicy(await loadConfig(), { region: 'us-east-1' });
 * console.log(JSON.stringify(policy, null, 2));
 * ```
 */
export function buildIamPolicy(config: AgentConfig, options: IamPolicyOptions = {}): IamPolicy {
  const tag = options.ownershipTag ?? DEFAULT_OWNERSHIP_TAG;
  const owner = options.ownershipValue ?? SOURCE_INSTANCE_ARN_VARIABLE;
  const partition = options.partition ?? 'aws';
  const region = options.region ?? '*';
  const account = options.accountId ?? '*';
  const arn = (type: string) => `arn:${partition}:ec2:${region}:${account}:${type}/*`;
  // ext4-static grows only in place; hybrid growth (btrfs) grows the newest volume in place before adding one.
  const growInPlace = config.driver.kind === 'ext4-static' || config.growth?.hybrid === true;
  // The request's instance is the caller: its own ARN (ec2:SourceInstanceARN) names the target
  // (ec2:InstanceID). AWS's managed AWSEC2VssSnapshotPolicy confines an instance to itself this way
  // (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSEC2VssSnapshotPolicy.html).
  const thisInstance: Record<string, Record<string, string>> = {
    ArnLike: { 'ec2:SourceInstanceARN': `arn:${partition}:ec2:${region}:${account}:instance/\${ec2:InstanceID}` },
  };
  const instanceTagged: Record<string, Record<string, string>> = options.instanceTag
    ? { StringEquals: { [`ec2:ResourceTag/${options.instanceTag.key}`]: options.instanceTag.value } }
    : {};
  const statements: IamStatement[] = [
    {
      Sid: 'DescribeHasNoResourceLevelPermissions',
      Effect: 'Allow',
      Action: ['ec2:DescribeInstances', 'ec2:DescribeVolumes', ...(growInPlace ? ['ec2:DescribeVolumesModifications'] : [])],
      Resource: '*',
    },
    {
      Sid: 'CreateOnlyTaggedVolumes',
      Effect: 'Allow',
      Action: ['ec2:CreateVolume'],
      Resource: arn('volume'),
      Condition: {
        StringEquals: { [`aws:RequestTag/${tag}`]: owner, 'ec2:VolumeType': config.volume.type },
        ...(config.volume.encrypted ? { Bool: { 'ec2:Encrypted': 'true' } } : {}),
      },
    },
    {
      Sid: 'TagOnlyWhileCreating',
      Effect: 'Allow',
      Action: ['ec2:CreateTags'],
      Resource: arn('volume'),
      Condition: { StringEquals: { 'ec2:CreateAction': 'CreateVolume' } },
    },
    {
      Sid: 'ManageOnlyOwnedVolumes',
      Effect: 'Allow',
      Action: ['ec2:AttachVolume', 'ec2:DetachVolume', 'ec2:DeleteVolume', ...(growInPlace ? ['ec2:ModifyVolume'] : [])],
      Resource: arn('volume'),
      Condition: { StringEquals: { [`ec2:ResourceTag/${tag}`]: owner } },
    },
    {
      // Attach and detach authorise the instance as well as the volume: only the caller itself.
      Sid: 'AttachAndDetachOnThisInstanceOnly',
      Effect: 'Allow',
      Action: ['ec2:AttachVolume', 'ec2:DetachVolume'],
      Resource: arn('instance'),
      Condition: { ...thisInstance, ...instanceTagged },
    },
    {
      // DeleteOnTermination of our volumes on this instance, and no other attribute (instance-attributes.ts says why a list).
      Sid: 'SetDeleteOnTerminationOnThisInstanceOnly',
      Effect: 'Allow',
      Action: ['ec2:ModifyInstanceAttribute'],
      Resource: arn('instance'),
      Condition: {
        ...thisInstance,
        ...instanceTagged,
        StringEqualsIgnoreCaseIfExists: { 'ec2:Attribute': BLOCK_DEVICE_MAPPING_ATTRIBUTE },
        Null: Object.fromEntries(REFUSED_INSTANCE_ATTRIBUTES.map((name) => [`ec2:Attribute/${name}`, 'true'])),
      },
    },
  ];
  if (config.volume.kmsKeyId) {
    const key = config.volume.kmsKeyId;
    // KMS statements name keys by ARN; for an alias or a bare key id, every key of the account, still only via EC2.
    const resource = key.startsWith('arn:') && key.includes(':key/') ? key : `arn:${partition}:kms:${region}:${account}:key/*`;
    const viaEc2 = { 'kms:ViaService': `ec2.${region === '*' ? '*' : region}.amazonaws.com` };
    statements.push(
      {
        Sid: 'UseTheVolumeKeyViaEc2',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        Resource: resource,
        Condition: { StringLike: viaEc2 },
      },
      {
        // EBS attaches an encrypted volume through a grant it creates for itself.
        Sid: 'GrantTheKeyToEbs',
        Effect: 'Allow',
        Action: ['kms:CreateGrant'],
        Resource: resource,
        Condition: { StringLike: viaEc2, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
    );
  }
  if (options.artifact !== undefined) statements.push(artifactStatement(options.artifact, partition));
  return { Version: '2012-10-17', Statement: statements };
}

/** Read access to one artifact and its SHA256SUMS, which is all the user data's setup reads from S3. */
function artifactStatement(artifact: string, partition: string): IamStatement {
  if (!artifact.startsWith('s3://'))
    throw userdataError(
      `--artifact ${artifact} is not in S3, so the instance role needs no S3 permission for it.`,
      'Leave out --artifact, or pass the s3:// URL the user data fetches.',
    );
  const source = parseArtifactSource(artifact, undefined);
  const object = source.url.slice('s3://'.length).replace(/[?#].*$/, '');
  const prefix = object.slice(0, object.lastIndexOf('/') + 1);
  return {
    Sid: 'FetchTheReleaseArtifact',
    Effect: 'Allow',
    Action: ['s3:GetObject'],
    Resource: [`arn:${partition}:s3:::${object}`, `arn:${partition}:s3:::${prefix}SHA256SUMS`],
  };
}
