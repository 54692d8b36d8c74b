// The EBS provisioner through testkit's provisioner suite, on ec2-sim (the real SDK over HTTP).
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import { runProvisionerConformance } from '@ebs-autoscale/testkit';
import { vi } from 'vitest';
import { createMetadataClient } from '../src/instance-identity.js';
import { createEbsWorld } from './ebs-world.js';

runProvisionerConformance({
  name: 'ebs on ec2-sim',
  async createWorld(options) {
    const sim: Ec2Simulator = await startEc2Simulator({ latencies: 'zero' });
    const world = await createEbsWorld(
      {
        region: sim.region,
        clientConfig: sim.clientConfig(),
        metadata: createMetadataClient(sim.imdsEndpoint),
        settle: async () => void (await vi.waitUntil(() => settled(sim))),
        failNextAttach: () => sim.faults.fail('AttachVolume', { code: 'IncorrectState', status: 400 }),
      },
      options,
    );
    return { ...world, close: async () => (await world.close(), await sim.close()) };
  },
});

/** No volume of the simulator is between two states, so what a test planted is where it asked. */
function settled(sim: Ec2Simulator): boolean {
  return sim
    .volumes()
    .every(
      (volume) => volume.state !== 'creating' && volume.state !== 'deleting' && (volume.attachment === undefined || volume.attachment.state === 'attached'),
    );
}
