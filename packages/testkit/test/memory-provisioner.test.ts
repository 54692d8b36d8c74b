// The provisioner suite checked against core's in-memory provisioner (keyv style), so a bug in the
// suite shows up on any machine without a cloud. It models no cloud rate limit and has no answer to
// lose; those two checks say so.
import { ProvisionerError } from '@ebs-autoscale/core';
import { InMemoryProvisioner, MemoryHost } from '@ebs-autoscale/core/testing';
import { runProvisionerConformance } from '../src/index.js';

runProvisionerConformance({
  name: 'memory',
  async createWorld({ orphans, maxOwnedVolumes }) {
    const provisioner = new InMemoryProvisioner({ host: new MemoryHost(), orphans, ...(maxOwnedVolumes !== undefined ? { maxOwnedVolumes } : {}) });
    return {
      provisioner,
      async inspect(volumeId) {
        const volume = provisioner.inspect(volumeId);
        if (!volume) return undefined;
        return {
          state: volume.state,
          sizeGiB: volume.sizeGiB,
          attachedHere: volume.state === 'in-use',
          deleteOnTermination: volume.deleteOnTermination,
          ownedByProvisioner: !volume.foreign,
        };
      },
      plantOwned: async (kind) => provisioner.plant(kind === 'unattached' ? { state: 'available' } : { state: 'in-use', deleteOnTermination: false }),
      plantForeign: async () => provisioner.plant({ state: 'available', foreign: true }),
      failNextAttach: () => provisioner.failNext(new ProvisionerError('memory', 'VOLUME_FAILED', 'The volume is not in the available state.')),
      mutatingCalls: async () => provisioner.mutations,
      close: async () => {},
    };
  },
  skip: {
    'provision-idempotent': 'not applicable in memory: a call in the same process has no answer to lose',
    'resize-rate-limit': 'not applicable in memory: the in-memory provisioner models no cloud modification limit',
  },
});
