import type { AttachmentRecord, ModificationRecord, VolumeRecord } from '../state.js';
import type { SimWorld } from '../world.js';
import type { XmlObject } from '../xml.js';

export function tagSetXml(tags: ReadonlyMap<string, string>): XmlObject[] | undefined {
  if (tags.size === 0) return undefined; // EC2 leaves out an empty tagSet
  return [...tags].map(([key, value]) => ({ key, value }));
}

export function attachmentXml(volumeId: string, attachment: AttachmentRecord): XmlObject {
  return {
    volumeId,
    instanceId: attachment.instanceId,
    device: attachment.device,
    status: attachment.state,
    attachTime: attachment.attachTime,
    deleteOnTermination: attachment.deleteOnTermination,
  };
}

/** The members of a `Volume`, in EC2's order. */
export function volumeXml(world: SimWorld, volume: VolumeRecord): XmlObject {
  return {
    volumeId: volume.id,
    size: volume.sizeGiB,
    snapshotId: '',
    availabilityZone: volume.availabilityZone,
    status: volume.state === 'deleted' ? 'deleting' : volume.state,
    createTime: volume.createTime,
    attachmentSet: volume.attachment ? [attachmentXml(volume.id, volume.attachment)] : [],
    tagSet: tagSetXml(world.tagsOf(volume.id)),
    volumeType: volume.volumeType,
    iops: volume.iops,
    throughput: volume.throughput,
    encrypted: volume.encrypted,
    kmsKeyId: volume.kmsKeyId,
    multiAttachEnabled: false,
    ownerId: world.accountId,
  };
}

export function modificationXml(volumeId: string, modification: ModificationRecord): XmlObject {
  return {
    volumeId,
    modificationState: modification.state,
    targetSize: modification.targetSize,
    targetIops: modification.targetIops,
    targetVolumeType: modification.targetVolumeType,
    targetThroughput: modification.targetThroughput,
    targetMultiAttachEnabled: false,
    originalSize: modification.originalSize,
    originalIops: modification.originalIops,
    originalVolumeType: modification.originalVolumeType,
    originalThroughput: modification.originalThroughput,
    originalMultiAttachEnabled: false,
    progress: modification.progress,
    startTime: modification.startTime,
    endTime: modification.endTime,
  };
}
