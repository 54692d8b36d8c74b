// How EC2 authorises a call, as the test's model of it: which resources IAM checks for each action and
// which condition keys the request context carries (the service authorization reference,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html), evaluated by
// @cloud-copilot/iam-simulate. The policy under test is never consulted here.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Ec2Action, Ec2Api } from '@ebs-autoscale/provisioner-ebs';
import type { IamPolicy } from '../../src/iam/iam-policy.js';

/** One EC2 API call as the SDK sends it. */
export type Ec2Call = { [A in Ec2Action]: { readonly action: A; readonly input: Parameters<Ec2Api[Uncapitalize<A>]>[0] } }[Ec2Action];

/** What EC2 knows when the call arrives: who calls, and the resources it names. */
export interface Ec2World {
  readonly region: string;
  readonly accountId: string;
  /** The instance whose role credentials sign the call; `undefined` for credentials from elsewhere. */
  readonly caller: string | undefined;
  readonly instances: Readonly<Record<string, { readonly tags: Readonly<Record<string, string>> }>>;
  readonly volumes: Readonly<Record<string, { readonly tags: Readonly<Record<string, string>>; readonly attachedTo?: string }>>;
}

/** One resource check: IAM allows a call only when it allows every resource the call touches. */
interface ResourceCheck {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

/** `allowed`/`denied` whatever way EC2 fills the attribute keys; `ambiguous` when that choice decides. */
export type Decision = 'allowed' | 'denied' | 'ambiguous';

export const instanceArn = (world: Pick<Ec2World, 'region' | 'accountId'>, id: string) => `arn:aws:ec2:${world.region}:${world.accountId}:instance/${id}`;
const volumeArn = (world: Ec2World, id: string) => `arn:aws:ec2:${world.region}:${world.accountId}:volume/${id}`;

const tagKeys = (tags: Readonly<Record<string, string>>, prefixes: readonly string[]) =>
  Object.fromEntries(Object.entries(tags).flatMap(([key, value]) => prefixes.map((prefix) => [`${prefix}${key}`, value])));

function instanceCheck(world: Ec2World, action: string, id: string, extra: Record<string, string | string[]> = {}): ResourceCheck {
  const tags = world.instances[id]?.tags ?? {};
  return { action, resource: instanceArn(world, id), context: { 'ec2:InstanceID': id, ...tagKeys(tags, ['ec2:ResourceTag/', 'aws:ResourceTag/']), ...extra } };
}

function volumeCheck(world: Ec2World, action: string, id: string): ResourceCheck {
  const tags = world.volumes[id]?.tags ?? {};
  return { action, resource: volumeArn(world, id), context: { 'ec2:VolumeID': id, ...tagKeys(tags, ['ec2:ResourceTag/', 'aws:ResourceTag/']) } };
}

function requestTags(input: {
  TagSpecifications?: { ResourceType?: string | undefined; Tags?: { Key?: string | undefined; Value?: string | undefined }[] | undefined }[] | undefined;
}): Record<string, string> {
  const tags = (input.TagSpecifications ?? []).filter((spec) => spec.ResourceType === 'volume').flatMap((spec) => spec.Tags ?? []);
  return Object.fromEntries(tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/** The `InstanceAttributeName` a typed member of ModifyInstanceAttribute stands for (`Groups` is `groupSet`). */
const attributeName = (member: string) =>
  member === 'Groups' ? 'groupSet' : member === 'BlockDeviceMappings' ? 'blockDeviceMapping' : member[0]!.toLowerCase() + member.slice(1);
const NOT_ATTRIBUTES = new Set(['InstanceId', 'DryRun', 'Attribute']);

/**
 * The readings of a ModifyInstanceAttribute request's attribute keys. EC2's user guide documents
 * `ec2:Attribute` as the request's primitive `Attribute` member and `ec2:Attribute/<Name>` as the value
 * of a primitive or value-only member, never of a complex one such as `BlockDeviceMappings`
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-policies-for-amazon-ec2.html#attribute-key).
 * It does not say whether a typed member also sets `ec2:Attribute` to its name, so both readings count.
 */
function attributeReadings(input: Record<string, unknown>): Record<string, string | string[]>[] {
  const members = Object.keys(input).filter((key) => !NOT_ATTRIBUTES.has(key) && input[key] !== undefined);
  const documented: Record<string, string | string[]> = {};
  if (typeof input.Attribute === 'string') documented['ec2:Attribute'] = input.Attribute;
  for (const member of members) {
    const value = input[member];
    if (member === 'BlockDeviceMappings') continue;
    // A value-only object (`{ Value }`, or `EnclaveOptions`' `{ Enabled }`) stands for its one value.
    const fields = typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) ? Object.values(value) : undefined;
    const inner = fields?.length === 1 ? fields[0] : value;
    documented[`ec2:Attribute/${member}`] = Array.isArray(inner)
      ? inner.map(String)
      : inner instanceof Uint8Array
        ? Buffer.from(inner).toString('base64')
        : String(inner);
  }
  const named = { ...documented, ...(documented['ec2:Attribute'] === undefined && members.length > 0 ? { 'ec2:Attribute': attributeName(members[0]!) } : {}) };
  return [documented, named];
}

/** The resource checks of `call`, once per reading of its context (only ModifyInstanceAttribute has two). */
export function authorizationReadings(call: Ec2Call, world: Ec2World): ResourceCheck[][] {
  const action = `ec2:${call.action}`;
  switch (call.action) {
    case 'DescribeInstances':
    case 'DescribeVolumes':
    case 'DescribeVolumesModifications':
      return [[{ action, resource: '*', context: {} }]];
    case 'CreateVolume': {
      const { input } = call;
      const tags = requestTags(input);
      const requested = { ...tagKeys(tags, ['aws:RequestTag/']), ...(Object.keys(tags).length > 0 ? { 'aws:TagKeys': Object.keys(tags) } : {}) };
      const volume: ResourceCheck = {
        action,
        resource: `arn:aws:ec2:${world.region}:${world.accountId}:volume/*`,
        context: {
          ...requested,
          // EC2's defaults for what the request leaves out: gp2, and unencrypted unless the account encrypts by default (not modelled).
          'ec2:VolumeType': input.VolumeType ?? 'gp2',
          'ec2:Encrypted': String(input.Encrypted ?? false),
          ...(input.Size === undefined ? {} : { 'ec2:VolumeSize': String(input.Size) }),
          ...(input.AvailabilityZone ? { 'ec2:AvailabilityZone': input.AvailabilityZone } : {}),
          ...(input.KmsKeyId ? { 'ec2:KmsKeyId': input.KmsKeyId } : {}),
        },
      };
      // Tags in TagSpecifications are authorised as ec2:CreateTags with ec2:CreateAction naming the call.
      const tagging: ResourceCheck = { action: 'ec2:CreateTags', resource: volume.resource, context: { ...requested, 'ec2:CreateAction': 'CreateVolume' } };
      return [Object.keys(tags).length > 0 ? [volume, tagging] : [volume]];
    }
    case 'AttachVolume':
      return [[instanceCheck(world, action, call.input.InstanceId ?? ''), volumeCheck(world, action, call.input.VolumeId ?? '')]];
    case 'DetachVolume': {
      const volumeId = call.input.VolumeId ?? '';
      const instanceId = call.input.InstanceId ?? world.volumes[volumeId]?.attachedTo;
      return [[volumeCheck(world, action, volumeId), ...(instanceId ? [instanceCheck(world, action, instanceId)] : [])]];
    }
    case 'DeleteVolume':
    case 'ModifyVolume':
      return [[volumeCheck(world, action, call.input.VolumeId ?? '')]];
    case 'ModifyInstanceAttribute':
      return attributeReadings(call.input as unknown as Record<string, unknown>).map((keys) => [
        instanceCheck(world, action, call.input.InstanceId ?? '', keys),
      ]);
  }
}

async function allows(policy: IamPolicy, world: Ec2World, check: ResourceCheck): Promise<boolean> {
  const caller: Record<string, string> = world.caller ? { 'ec2:SourceInstanceARN': instanceArn(world, world.caller) } : {};
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${world.accountId}:assumed-role/ebs-autoscale/${world.caller ?? 'laptop'}`,
        action: check.action,
        resource: { resource: check.resource, accountId: world.accountId },
        contextVariables: { 'aws:RequestedRegion': world.region, 'ec2:Region': world.region, ...caller, ...check.context },
      },
      identityPolicies: [{ name: 'ebs-autoscale', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(`[ebs-autoscale] [test] the IAM simulator refused ${check.action} on ${check.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed';
}

/** What IAM decides for `call` under `policy`. */
export async function decide(policy: IamPolicy, call: Ec2Call, world: Ec2World): Promise<Decision> {
  const outcomes: boolean[] = [];
  for (const checks of authorizationReadings(call, world)) {
    let allowed = true;
    for (const check of checks) allowed &&= await allows(policy, world, check);
    outcomes.push(allowed);
  }
  return outcomes.every(Boolean) ? 'allowed' : outcomes.some(Boolean) ? 'ambiguous' : 'denied';
}
