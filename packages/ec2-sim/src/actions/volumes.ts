import { Ec2ApiError, invalidParameterValue } from '../api-error.js';
import { scheduleAttach, scheduleCreate, scheduleDelete, scheduleDetach } from '../lifecycle.js';
import { regionOf } from '../options.js';
import { paginate } from '../pagination.js';
import { boolParam, filtersParam, intParam, listParam, requiredParam, structListParam, tagsParam, type QueryParams } from '../query.js';
import type { VolumeRecord } from '../state.js';
import type { SimWorld } from '../world.js';
import { applyFilters, tagFilterValues, type ActionHandler } from './action.js';
import { attachmentXml, volumeXml } from './serialize.js';
import { resolveVolumeSpec } from './volume-types.js';
import { validateTag } from './tags.js';

/** Nitro instances share 28 slots between ENIs and EBS volumes; with one ENI, 27 volumes. */
const MAX_ATTACHMENTS = 27;
const DEVICE_NAME = /^\/dev\/(sd[a-z]{1,2}\d{0,2}|xvd[a-z]{1,2})$/;

export const createVolume: ActionHandler = ({ world, params, region }) => {
  const availabilityZone = requiredParam(params, 'AvailabilityZone');
  if (regionOf(availabilityZone) !== region || !/^[a-z]{2}(-[a-z]+)+-\d[a-f]$/.test(availabilityZone)) {
    throw invalidParameterValue(`Invalid availability zone: [${availabilityZone}]`);
  }
  const size = intParam(params, 'Size');
  if (size === undefined) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter size or snapshotId');
  const spec = resolveVolumeSpec({
    sizeGiB: size,
    volumeType: params.get('VolumeType') ?? 'gp2',
    iops: intParam(params, 'Iops'),
    throughput: intParam(params, 'Throughput'),
  });
  const encrypted = boolParam(params, 'Encrypted') ?? false;
  const kmsKeyId = params.get('KmsKeyId');
  if (kmsKeyId && !encrypted) throw new Ec2ApiError('InvalidParameterDependency', 'The parameter KmsKeyId requires the parameter Encrypted to be set.');
  const tags = volumeTags(params);

  // Idempotency: an SDK retry resends the same ClientToken; same request → same volume.
  const token = params.get('ClientToken');
  const fingerprint = fingerprintOf(params, region);
  if (token) {
    const previous = world.clientTokens.get(token);
    if (previous) {
      if (previous.fingerprint !== fingerprint)
        throw new Ec2ApiError('IdempotentParameterMismatch', `The client token '${token}' was already used with different parameters.`);
      const existing = world.volumes.get(previous.volumeId);
      if (existing) return volumeXml(world, existing);
    }
  }

  const volume: VolumeRecord = {
    id: world.newId('vol'),
    seq: world.nextSeq(),
    region,
    availabilityZone,
    createTime: world.now(),
    encrypted,
    kmsKeyId: encrypted ? (kmsKeyId ?? `arn:aws:kms:${region}:${world.accountId}:key/00000000-0000-4000-8000-000000000ebs`) : undefined,
    sizeGiB: spec.sizeGiB,
    volumeType: spec.volumeType,
    iops: spec.iops,
    throughput: spec.throughput,
    state: 'creating',
    modifications: [],
    root: false,
  };
  world.volumes.set(volume.id, volume);
  const tagMap = world.tagsOf(volume.id);
  for (const { key, value } of tags) tagMap.set(key, value);
  if (token) world.clientTokens.set(token, { fingerprint, volumeId: volume.id });
  scheduleCreate(world, volume);
  return volumeXml(world, volume);
};

export const describeVolumes: ActionHandler = ({ world, params, region }) => {
  const ids = listParam(params, 'VolumeId');
  const candidates =
    ids.length > 0 ? ids.map((id) => world.volume(id, region)) : [...world.volumes.values()].filter((v) => v.region === region && v.state !== 'deleted');
  const filtered = applyFilters(candidates, filtersParam(params), (volume, name) => volumeFilterValues(world, volume, name));
  const { page, nextToken } = paginate(filtered, params);
  return { volumeSet: page.map((volume) => volumeXml(world, volume)), nextToken };
};

export const attachVolume: ActionHandler = ({ world, params, region }) => {
  const device = requiredParam(params, 'Device');
  const instance = world.requireInstance(requiredParam(params, 'InstanceId'), region);
  const volume = world.volume(requiredParam(params, 'VolumeId'), region);
  if (!DEVICE_NAME.test(device)) throw invalidParameterValue(`Value (${device}) for parameter device is invalid. ${device} is not a valid EBS device name.`);
  if (volume.attachment) throw new Ec2ApiError('VolumeInUse', `${volume.id} is already attached to an instance`);
  if (volume.state !== 'available') throw new Ec2ApiError('IncorrectState', `${volume.id} is not 'available'.`);
  if (volume.availabilityZone !== instance.availabilityZone) {
    throw new Ec2ApiError('InvalidVolume.ZoneMismatch', `The volume '${volume.id}' is not in the same availability zone as instance '${instance.instanceId}'`);
  }
  const attached = world.attachedTo(instance.instanceId);
  if (attached.some((other) => other.attachment?.device === device)) {
    throw invalidParameterValue(`Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`);
  }
  if (attached.length >= MAX_ATTACHMENTS + 1)
    throw new Ec2ApiError('AttachmentLimitExceeded', `The maximum number of attachments for instance '${instance.instanceId}' has been reached.`);
  volume.attachment = { instanceId: instance.instanceId, device, state: 'attaching', attachTime: world.now(), deleteOnTermination: false };
  volume.state = 'in-use';
  scheduleAttach(world, volume);
  return attachmentXml(volume.id, volume.attachment);
};

export const detachVolume: ActionHandler = ({ world, params, region }) => {
  const volume = world.volume(requiredParam(params, 'VolumeId'), region);
  const attachment = volume.attachment;
  if (!attachment || attachment.state === 'detaching') throw new Ec2ApiError('IncorrectState', `Volume '${volume.id}' is in the '${volume.state}' state.`);
  const instanceId = params.get('InstanceId');
  if (instanceId && instanceId !== attachment.instanceId)
    throw new Ec2ApiError('InvalidAttachment.NotFound', `The volume '${volume.id}' is not attached to instance '${instanceId}'`);
  if (volume.root) throw new Ec2ApiError('UnsupportedOperation', `Unable to detach root volume '${volume.id}' from instance '${attachment.instanceId}'`);
  attachment.state = 'detaching';
  scheduleDetach(world, volume);
  return attachmentXml(volume.id, attachment);
};

export const deleteVolume: ActionHandler = ({ world, params, region }) => {
  const volume = world.volume(requiredParam(params, 'VolumeId'), region);
  if (volume.attachment) throw new Ec2ApiError('VolumeInUse', `Volume ${volume.id} is currently attached to ${volume.attachment.instanceId}`);
  if (volume.state === 'deleting') throw new Ec2ApiError('IncorrectState', `The volume '${volume.id}' is already being deleted.`);
  volume.state = 'deleting';
  scheduleDelete(world, volume);
  return { return: true };
};

function volumeFilterValues(world: SimWorld, volume: VolumeRecord, name: string): (string | undefined)[] | null {
  const attachment = volume.attachment;
  switch (name) {
    case 'volume-id':
      return [volume.id];
    case 'status':
      return [volume.state];
    case 'availability-zone':
      return [volume.availabilityZone];
    case 'size':
      return [String(volume.sizeGiB)];
    case 'volume-type':
      return [volume.volumeType];
    case 'encrypted':
      return [String(volume.encrypted)];
    case 'attachment.instance-id':
      return [attachment?.instanceId];
    case 'attachment.device':
      return [attachment?.device];
    case 'attachment.status':
      return [attachment?.state];
    case 'attachment.delete-on-termination':
      return [attachment && String(attachment.deleteOnTermination)];
    default:
      return tagFilterValues(world.tagsOf(volume.id), name);
  }
}

function volumeTags(params: QueryParams): { key: string; value: string }[] {
  const tags: { key: string; value: string }[] = [];
  for (const spec of structListParam(params, 'TagSpecification')) {
    const resourceType = spec.get('ResourceType');
    if (resourceType !== 'volume') throw invalidParameterValue(`'${resourceType ?? ''}' is not a valid taggable resource type for this operation.`);
    for (const tag of tagsParam(spec)) {
      validateTag(tag.key);
      tags.push(tag);
    }
  }
  return tags;
}

/** Everything that defines the request except the token itself, in a stable order. */
function fingerprintOf(params: QueryParams, region: string): string {
  const entries = [...params].filter(([key]) => key !== 'ClientToken').sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([region, entries]);
}
