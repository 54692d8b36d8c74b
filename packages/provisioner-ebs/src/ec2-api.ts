import type {
  AttachVolumeCommandInput,
  AttachVolumeCommandOutput,
  CreateVolumeCommandInput,
  CreateVolumeCommandOutput,
  DeleteVolumeCommandInput,
  DeleteVolumeCommandOutput,
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeVolumesCommandInput,
  DescribeVolumesCommandOutput,
  DescribeVolumesModificationsCommandInput,
  DescribeVolumesModificationsCommandOutput,
  DetachVolumeCommandInput,
  DetachVolumeCommandOutput,
  ModifyInstanceAttributeCommandInput,
  ModifyInstanceAttributeCommandOutput,
  ModifyVolumeCommandInput,
  ModifyVolumeCommandOutput,
} from '@aws-sdk/client-ec2';

/**
 * The subset of EC2 this provisioner uses, one method per API action (the idea of aws-ebs-csi-driver's
 * `ec2_interface.go`). Everything above this file depends on this shape, never on `EC2Client`, so a
 * test or an embedder can inject any implementation. Errors are thrown as the SDK throws them; the
 * boundary (`ec2-errors.ts`) translates them.
 */
export interface Ec2Api {
  describeInstances(input: DescribeInstancesCommandInput): Promise<DescribeInstancesCommandOutput>;
  describeVolumes(input: DescribeVolumesCommandInput): Promise<DescribeVolumesCommandOutput>;
  createVolume(input: CreateVolumeCommandInput): Promise<CreateVolumeCommandOutput>;
  attachVolume(input: AttachVolumeCommandInput): Promise<AttachVolumeCommandOutput>;
  detachVolume(input: DetachVolumeCommandInput): Promise<DetachVolumeCommandOutput>;
  deleteVolume(input: DeleteVolumeCommandInput): Promise<DeleteVolumeCommandOutput>;
  modifyInstanceAttribute(input: ModifyInstanceAttributeCommandInput): Promise<ModifyInstanceAttributeCommandOutput>;
  modifyVolume(input: ModifyVolumeCommandInput): Promise<ModifyVolumeCommandOutput>;
  describeVolumesModifications(input: DescribeVolumesModificationsCommandInput): Promise<DescribeVolumesModificationsCommandOutput>;
}

/** The names of the EC2 API actions, as IAM and CloudTrail spell them. */
export type Ec2Action =
  | 'DescribeInstances'
  | 'DescribeVolumes'
  | 'CreateVolume'
  | 'AttachVolume'
  | 'DetachVolume'
  | 'DeleteVolume'
  | 'ModifyInstanceAttribute'
  | 'ModifyVolume'
  | 'DescribeVolumesModifications';
