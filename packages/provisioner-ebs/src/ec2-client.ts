import {
  AttachVolumeCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DescribeVolumesModificationsCommand,
  DetachVolumeCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  ModifyVolumeCommand,
  type EC2ClientConfig,
} from '@aws-sdk/client-ec2';
import type { Ec2Api } from './ec2-api.js';

/**
 * Creates an SDK v3 `EC2Client` for `region` and wraps it in the narrow {@link Ec2Api}.
 *
 * `maxAttempts: 1` turns the SDK's own retry strategy off: our retry layer (p-retry) owns retries, so
 * that every attempt is visible as an `ec2:call` event, counts against one budget per operation, and
 * waits on the injected clock. With both layers on, a throttling storm would multiply attempts
 * (3 SDK attempts × N of ours) and hide them from the events.
 */
export function createEc2Api(region: string, config: EC2ClientConfig = {}): Ec2Api {
  return wrapEc2Client(new EC2Client({ region, ...config, maxAttempts: 1 }));
}

/** Wraps an existing `EC2Client` (configure it with `maxAttempts: 1`, see {@link createEc2Api}). */
export function wrapEc2Client(client: EC2Client): Ec2Api {
  return {
    describeInstances: (input) => client.send(new DescribeInstancesCommand(input)),
    describeVolumes: (input) => client.send(new DescribeVolumesCommand(input)),
    createVolume: (input) => client.send(new CreateVolumeCommand(input)),
    attachVolume: (input) => client.send(new AttachVolumeCommand(input)),
    detachVolume: (input) => client.send(new DetachVolumeCommand(input)),
    deleteVolume: (input) => client.send(new DeleteVolumeCommand(input)),
    modifyInstanceAttribute: (input) => client.send(new ModifyInstanceAttributeCommand(input)),
    modifyVolume: (input) => client.send(new ModifyVolumeCommand(input)),
    describeVolumesModifications: (input) => client.send(new DescribeVolumesModificationsCommand(input)),
  };
}
