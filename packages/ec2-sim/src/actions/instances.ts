import { Ec2ApiError } from '../api-error.js';
import { boolParam, filtersParam, listParam, requiredParam, structListParam } from '../query.js';
import { applyFilters, tagFilterValues, type ActionHandler } from './action.js';
import { tagSetXml } from './serialize.js';

export const describeInstances: ActionHandler = ({ world, params, region }) => {
  const ids = listParam(params, 'InstanceId');
  const instance = world.instance;
  for (const id of ids) world.requireInstance(id, region);
  const candidates = instance.region === region ? [instance] : [];
  const matching = applyFilters(candidates, filtersParam(params), (item, name) => {
    if (name === 'instance-id') return [item.instanceId];
    if (name === 'availability-zone') return [item.availabilityZone];
    if (name === 'instance-type') return [item.instanceType];
    if (name === 'instance-state-name') return ['running'];
    return tagFilterValues(world.tagsOf(item.instanceId), name);
  });
  if (matching.length === 0) return { reservationSet: [] };
  const blockDeviceMapping = world
    .attachedTo(instance.instanceId)
    .sort((a, b) => a.seq - b.seq)
    .map((volume) => ({
      deviceName: volume.attachment?.device,
      ebs: {
        volumeId: volume.id,
        status: volume.attachment?.state,
        attachTime: volume.attachment?.attachTime,
        deleteOnTermination: volume.attachment?.deleteOnTermination,
      },
    }));
  return {
    reservationSet: [
      {
        reservationId: 'r-0123456789abcdef0',
        ownerId: world.accountId,
        groupSet: [],
        instancesSet: [
          {
            instanceId: instance.instanceId,
            imageId: instance.imageId,
            instanceState: { code: 16, name: 'running' },
            instanceType: instance.instanceType,
            placement: { availabilityZone: instance.availabilityZone, tenancy: 'default' },
            rootDeviceType: 'ebs',
            rootDeviceName: instance.rootDeviceName,
            blockDeviceMapping,
            tagSet: tagSetXml(world.tagsOf(instance.instanceId)),
            metadataOptions: {
              state: 'applied',
              httpTokens: 'required',
              httpPutResponseHopLimit: 2,
              httpEndpoint: 'enabled',
              instanceMetadataTags: instance.tagsInMetadata ? 'enabled' : 'disabled',
            },
          },
        ],
      },
    ],
  };
};

/** Only the `BlockDeviceMapping.N.Ebs.DeleteOnTermination` form: the one the agent uses. */
export const modifyInstanceAttribute: ActionHandler = ({ world, params, region }) => {
  const instance = world.requireInstance(requiredParam(params, 'InstanceId'), region);
  const mappings = structListParam(params, 'BlockDeviceMapping');
  if (mappings.length === 0) throw new Ec2ApiError('InvalidParameterCombination', 'The simulator supports only the BlockDeviceMapping attribute.');
  const attached = world.attachedTo(instance.instanceId);
  const updates = mappings.map((mapping) => {
    const deviceName = mapping.get('DeviceName') ?? '';
    const volume = attached.find((v) => v.attachment?.device === deviceName);
    if (!volume?.attachment) throw new Ec2ApiError('InvalidInstanceAttributeValue', `No device is currently mapped at ${deviceName}`);
    return { attachment: volume.attachment, value: boolParam(mapping, 'Ebs.DeleteOnTermination') };
  });
  for (const { attachment, value } of updates) if (value !== undefined) attachment.deleteOnTermination = value;
  return { return: true };
};
