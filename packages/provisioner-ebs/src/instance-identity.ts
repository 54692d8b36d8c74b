import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import { ProvisionerError } from '@ebs-autoscale/core';
import { isMetadataNotFound, translateMetadataError } from './ec2-errors.js';

/** A tag as EC2 stores it: kept structured so `:`, spaces and `=` in keys and values survive. */
export interface Ec2Tag {
  readonly key: string;
  readonly value: string;
}

/** What this provisioner needs to know about the instance it runs on. Fetched once and cached. */
export interface InstanceIdentity {
  readonly instanceId: string;
  readonly availabilityZone: string;
  readonly region: string;
  readonly instanceType: string;
  readonly accountId: string;
  /** `aws`, `aws-cn` or `aws-us-gov`, from the region. */
  readonly partition: string;
  /** `arn:<partition>:ec2:<region>:<account>:instance/<id>`. */
  readonly arn: string;
  /** The instance's tags, `aws:*` included (the tag builder drops those). */
  readonly tags: readonly Ec2Tag[];
  /** The launch-time block-device mappings from IMDS, e.g. `{ name: 'root', device: '/dev/xvda' }`. */
  readonly blockDeviceMappings: readonly { readonly name: string; readonly device: string }[];
  /** Where the tags came from. */
  readonly tagsSource: 'imds' | 'describe-instances';
}

/** The one method of `MetadataService` used here, so tests and embedders can inject their own. */
export interface MetadataClient {
  request(path: string, options: { method?: string; headers?: Record<string, string> }): Promise<string>;
}

/**
 * The SDK's IMDS client configured for IMDSv2 only: it fetches a session token before every request
 * and, with `ec2MetadataV1Disabled`, never falls back to token-less IMDSv1.
 */
export function createMetadataClient(endpoint?: string): MetadataClient {
  return new MetadataService({
    ...(endpoint ? { endpoint } : {}),
    ec2MetadataV1Disabled: true,
    // IMDS answers on-instance within milliseconds; off EC2 the link-local address just hangs.
    httpOptions: { timeout: 2000 },
    retries: 2,
  });
}

/** Reads the instance's tags through DescribeInstances, for instances without tags in IMDS. */
export type DescribeInstanceTags = (instanceId: string, region: string) => Promise<Ec2Tag[]>;

/** Reads the identity of this instance over IMDSv2, falling back to `describeTags` when tags are not in IMDS. */
export async function fetchInstanceIdentity(metadata: MetadataClient, describeTags: DescribeInstanceTags): Promise<InstanceIdentity> {
  // Paths have no leading slash: MetadataService prefixes the endpoint's path, which is already `/`.
  const documentText = await read(metadata, 'latest/dynamic/instance-identity/document');
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(documentText) as Record<string, unknown>;
  } catch (error) {
    throw translateMetadataError(error, 'latest/dynamic/instance-identity/document');
  }
  const field = (name: string) => {
    const value = document[name];
    if (typeof value !== 'string' || value === '') {
      throw new ProvisionerError('ebs', 'METADATA_UNAVAILABLE', `The instance identity document has no ${name}.`, {
        hint: 'Check that the metadata endpoint is an EC2 instance metadata service.',
      });
    }
    return value;
  };
  const instanceId = field('instanceId');
  const region = field('region');
  const accountId = field('accountId');
  const partition = partitionOf(region);
  const fromImds = await readImdsTags(metadata);
  return {
    instanceId,
    availabilityZone: field('availabilityZone'),
    region,
    instanceType: field('instanceType'),
    accountId,
    partition,
    arn: `arn:${partition}:ec2:${region}:${accountId}:instance/${instanceId}`,
    tags: fromImds ?? (await describeTags(instanceId, region)),
    tagsSource: fromImds ? 'imds' : 'describe-instances',
    blockDeviceMappings: await readBlockDeviceMappings(metadata),
  };
}

/** The AWS partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

async function read(metadata: MetadataClient, path: string): Promise<string> {
  try {
    return (await metadata.request(path, {})).trim();
  } catch (error) {
    throw translateMetadataError(error, path);
  }
}

/** The instance tags from IMDS, or undefined when the instance does not expose tags in metadata (404). */
async function readImdsTags(metadata: MetadataClient): Promise<Ec2Tag[] | undefined> {
  let keys: string;
  try {
    keys = await metadata.request('latest/meta-data/tags/instance', {});
  } catch (error) {
    if (isMetadataNotFound(error)) return undefined;
    throw translateMetadataError(error, 'latest/meta-data/tags/instance');
  }
  const tags: Ec2Tag[] = [];
  for (const key of keys.split('\n').filter((line) => line !== '')) {
    // A key may hold spaces and `:`; encode it as one path segment. Values are returned verbatim.
    const value = await metadata.request(`latest/meta-data/tags/instance/${encodeURIComponent(key)}`, {}).catch((error: unknown) => {
      throw translateMetadataError(error, `latest/meta-data/tags/instance/${key}`);
    });
    tags.push({ key, value });
  }
  return tags;
}

async function readBlockDeviceMappings(metadata: MetadataClient): Promise<{ name: string; device: string }[]> {
  let names: string;
  try {
    names = await metadata.request('latest/meta-data/block-device-mapping/', {});
  } catch (error) {
    if (isMetadataNotFound(error)) return [];
    throw translateMetadataError(error, 'latest/meta-data/block-device-mapping/');
  }
  const mappings: { name: string; device: string }[] = [];
  for (const name of names
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')) {
    const device = await read(metadata, `latest/meta-data/block-device-mapping/${name}`);
    mappings.push({ name, device });
  }
  return mappings;
}
