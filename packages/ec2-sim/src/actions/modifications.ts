import { Ec2ApiError, invalidParameterValue } from '../api-error.js';
import { scheduleModify } from '../lifecycle.js';
import { paginate } from '../pagination.js';
import { filtersParam, intParam, listParam, requiredParam, type QueryParams } from '../query.js';
import type { ModificationRecord, VolumeRecord } from '../state.js';
import type { SimWorld } from '../world.js';
import { applyFilters, type ActionHandler } from './action.js';
import { modificationXml } from './serialize.js';
import { resolveVolumeSpec } from './volume-types.js';
import type { VolumeModificationRule } from '../modification-rule.js';

const HOUR = 3_600_000;

const RATE_MESSAGE = "You've reached the maximum modification rate per volume limit. Wait at least 6 hours between modifications per EBS volume.";

export function modifyVolumeAction(rule: VolumeModificationRule): ActionHandler {
  return ({ world, params, region }) => {
    const volume = world.volume(requiredParam(params, 'VolumeId'), region);
    if (volume.state !== 'available' && volume.state !== 'in-use')
      throw new Ec2ApiError('IncorrectState', `Volume '${volume.id}' is in the '${volume.state}' state.`);
    checkRate(world, volume, rule);
    checkChangesSomething(params, volume);
    const targetType = params.get('VolumeType') ?? volume.volumeType;
    const typeChanged = targetType !== volume.volumeType;
    const targetSize = intParam(params, 'Size') ?? volume.sizeGiB;
    if (targetSize < volume.sizeGiB) throw invalidParameterValue(`New size cannot be smaller than existing size ${volume.sizeGiB}GiB`);
    const spec = resolveVolumeSpec({
      sizeGiB: targetSize,
      volumeType: targetType,
      iops: intParam(params, 'Iops') ?? (typeChanged || targetType === 'gp2' ? undefined : volume.iops),
      throughput: intParam(params, 'Throughput') ?? (typeChanged ? undefined : volume.throughput),
    });
    const modification: ModificationRecord = {
      state: 'modifying',
      startTime: world.now(),
      progress: 0,
      originalSize: volume.sizeGiB,
      targetSize: spec.sizeGiB,
      originalVolumeType: volume.volumeType,
      targetVolumeType: spec.volumeType,
      originalIops: volume.iops,
      targetIops: spec.iops,
      originalThroughput: volume.throughput,
      targetThroughput: spec.throughput,
    };
    volume.modifications.push(modification);
    scheduleModify(world, volume, modification);
    return { volumeModification: modificationXml(volume.id, modification) };
  };
}

export const describeVolumesModifications: ActionHandler = ({ world, params, region }) => {
  const ids = listParam(params, 'VolumeId');
  const volumes = ids.length > 0 ? ids.map((id) => world.volume(id, region)) : [...world.volumes.values()].filter((v) => v.region === region);
  const rows: { seq: number; volume: VolumeRecord; modification: ModificationRecord }[] = [];
  for (const volume of volumes) {
    // EC2 reports the latest modification of each volume.
    const modification = volume.modifications.at(-1);
    if (modification) rows.push({ seq: volume.seq, volume, modification });
    else if (ids.includes(volume.id)) throw new Ec2ApiError('InvalidVolumeModification.NotFound', `Modification for volume '${volume.id}' does not exist.`);
  }
  const filtered = applyFilters(rows, filtersParam(params), (row, name) => {
    if (name === 'volume-id') return [row.volume.id];
    if (name === 'modification-state') return [row.modification.state];
    if (name === 'target-size') return [String(row.modification.targetSize)];
    if (name === 'target-volume-type') return [row.modification.targetVolumeType];
    if (name === 'original-size') return [String(row.modification.originalSize)];
    return null;
  });
  const { page, nextToken } = paginate(filtered, params, { min: 5, max: 500 });
  return { volumeModificationSet: page.map((row) => modificationXml(row.volume.id, row.modification)), nextToken };
};

/**
 * EC2 refuses a ModifyVolume that names nothing to change: "InvalidParameterValue: Invalid input: Must
 * specify at least one of size, type, iops, throughput or multi-attach." (as users report it,
 * github.com/hashicorp/terraform-provider-aws/issues/31044). A request whose every value equals the
 * volume's is treated the same way, and counts against no rate: the text for that case is assumed.
 */
function checkChangesSomething(params: QueryParams, volume: VolumeRecord): void {
  const size = intParam(params, 'Size');
  const type = params.get('VolumeType') ?? undefined;
  const iops = intParam(params, 'Iops');
  const throughput = intParam(params, 'Throughput');
  const changes =
    (size !== undefined && size !== volume.sizeGiB) ||
    (type !== undefined && type !== volume.volumeType) ||
    (iops !== undefined && iops !== volume.iops) ||
    (throughput !== undefined && throughput !== volume.throughput) ||
    params.has('MultiAttachEnabled');
  if (!changes) throw invalidParameterValue('Invalid input: Must specify at least one of size, type, iops, throughput or multi-attach.');
}

function checkRate(world: SimWorld, volume: VolumeRecord, rule: VolumeModificationRule): void {
  const now = world.clock.now();
  const latest = volume.modifications.at(-1);
  if (!latest) return;
  const inProgress = latest.state === 'modifying' || latest.state === 'optimizing';
  if (rule === '6h-cooldown') {
    if (now - latest.startTime.getTime() < 6 * HOUR) throw new Ec2ApiError('VolumeModificationRateExceeded', RATE_MESSAGE);
  } else {
    const recent = volume.modifications.filter((m) => now - m.startTime.getTime() < 24 * HOUR).length;
    if (recent >= 4)
      throw new Ec2ApiError(
        'VolumeModificationRateExceeded',
        "You've reached the maximum modification rate per volume limit: 4 modifications per volume in 24 hours.",
      );
  }
  if (inProgress)
    throw new Ec2ApiError('IncorrectModificationState', `Cannot modify volume '${volume.id}' while it is in modification state: ${latest.state.toUpperCase()}`);
}
