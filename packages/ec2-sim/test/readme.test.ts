import { AttachVolumeCommand, CreateVolumeCommand, EC2Client, waitUntilVolumeAvailable } from '@aws-sdk/client-ec2';
import { expect, it } from 'vitest';
import { startEc2Simulator } from '../src/index.js';

it('runs the README example on the real clock', async () => {
  const sim = await startEc2Simulator({ latencies: 'zero' });
  try {
    const ec2 = new EC2Client(sim.clientConfig()); // { endpoint, region, credentials }
    const { VolumeId } = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: sim.instance.availabilityZone, Size: 10, VolumeType: 'gp3' }));
    await waitUntilVolumeAvailable({ client: ec2, maxWaitTime: 10, minDelay: 1 }, { VolumeIds: [VolumeId!] });
    await ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: sim.instance.instanceId, Device: '/dev/xvdf' }));
    expect(sim.stats().calls).toEqual({ CreateVolume: 1, DescribeVolumes: 1, AttachVolume: 1 });
    ec2.destroy();
  } finally {
    await sim.close();
  }
});
