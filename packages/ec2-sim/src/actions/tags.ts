import { Ec2ApiError, invalidParameterValue } from '../api-error.js';
import { paginate } from '../pagination.js';
import { filtersParam, listParam, tagsParam } from '../query.js';
import type { SimWorld } from '../world.js';
import { applyFilters, type ActionHandler } from './action.js';

/** EC2 reserves the `aws:` prefix for its own tags. */
export function validateTag(key: string): void {
  if (key.length === 0 || key.length > 128) throw invalidParameterValue(`Tag key '${key}' must be between 1 and 128 characters.`);
  if (key.toLowerCase().startsWith('aws:')) throw invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
}

export const createTags: ActionHandler = ({ world, params, region }) => {
  const resourceIds = listParam(params, 'ResourceId');
  if (resourceIds.length === 0) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter resourceIdSet');
  const tags = tagsParam(params);
  for (const { key } of tags) validateTag(key);
  for (const id of resourceIds) requireTaggable(world, id, region);
  for (const id of resourceIds) {
    const map = world.tagsOf(id);
    for (const { key, value } of tags) map.set(key, value);
  }
  return { return: true };
};

interface TagRow {
  seq: number;
  resourceId: string;
  resourceType: string;
  key: string;
  value: string;
}

export const describeTags: ActionHandler = ({ world, params, region }) => {
  const rows: TagRow[] = [];
  const resources: [string, number, string][] = [];
  if (world.instance.region === region) resources.push([world.instance.instanceId, 0, 'instance']);
  for (const volume of world.volumes.values()) if (volume.region === region && volume.state !== 'deleted') resources.push([volume.id, volume.seq, 'volume']);
  for (const [resourceId, resourceSeq, resourceType] of resources) {
    let index = 0;
    for (const [key, value] of world.tagsOf(resourceId)) rows.push({ seq: resourceSeq * 10_000 + index++, resourceId, resourceType, key, value });
  }
  const filtered = applyFilters(rows, filtersParam(params), (row, name) => {
    if (name === 'resource-id') return [row.resourceId];
    if (name === 'resource-type') return [row.resourceType];
    if (name === 'key') return [row.key];
    if (name === 'value') return [row.value];
    if (name.startsWith('tag:')) return row.key === name.slice(4) ? [row.value] : [];
    return null;
  });
  const { page, nextToken } = paginate(filtered, params);
  return {
    tagSet: page.map((row) => ({ resourceId: row.resourceId, resourceType: row.resourceType, key: row.key, value: row.value })),
    nextToken,
  };
};

function requireTaggable(world: SimWorld, id: string, region: string): void {
  if (id.startsWith('vol-')) world.volume(id, region);
  else if (id.startsWith('i-')) world.requireInstance(id, region);
  else throw new Ec2ApiError('InvalidID', `The ID '${id}' is not valid`);
}
