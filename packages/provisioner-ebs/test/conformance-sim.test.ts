// The EBS provisioner through testkit's provisioner suite, on ec2-sim (the real SDK over HTTP).
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import { runProvisionerConformance } from '@ebs-autoscale/testkit';
import { createMetadataClient } from '../src/instance-identity.js';
import { createEbsWorld } from './ebs-world.js';

runProvisionerConformance({
  name: 'ebs on ec2-sim',
  async createWorld(options) {
    const sim: Ec2Simulator = await startEc2Simulator({ latencies: 'zero' });
    const world = await createEbsWorld(
      { region: sim.region, clientConfig: sim.clientConfig(), metadata: createMetadataClient(sim.imdsEndpoint), settle: () => new Promise((resolve) => setTimeout(resolve, 20)),
        failNextAttach: () => sim.faults.fail('AttachVolume', { code: 'IncorrectState', status: 400 }),
      },
      options,
    );
    return { ...world, close: async () => (await world.close(), await sim.close()) };
  },
});
