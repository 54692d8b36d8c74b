// The EBS provisioner through testkit's provisioner suite, on moto_server: an EC2 emulator we did not
// write, so the suite is checked against a reading of EC2 other than our simulator's. Where moto is
// more lenient than EC2, the check is marked not applicable on moto, with the reason.
import { runProvisionerConformance, warnSkip } from '@ebs-autoscale/testkit';
import { afterAll, beforeAll, describe } from 'vitest';
import { createEbsWorld } from './ebs-world.js';
import { motoAvailable, startMotoServer, type MotoServer } from './moto-server.js';

const available = motoAvailable();
if (!available) warnSkip('ebs on moto: VolumeProvisioner conformance', 'needs moto_server on PATH (pip install "moto[server]"; CI has it)');

describe.skipIf(!available)('moto', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMotoServer();
  }, 60_000);
  afterAll(async () => moto?.close());

  runProvisionerConformance({
    name: 'ebs on moto',
    async createWorld(options) {
      await moto.reset();
      const { metadata } = await moto.launchInstance();
      return createEbsWorld({ region: moto.region, clientConfig: moto.clientConfig, metadata, settle: async () => {} }, options);
    },
    skip: {
      'provision-idempotent': 'not applicable on moto: it ignores ClientToken, so a retried create makes a second volume',
      'provision-delete-on-termination': 'not applicable on moto: it leaves DeleteOnTermination out of the attachments it reports',
      'reconcile-repairs-delete-on-termination': 'not applicable on moto: it leaves DeleteOnTermination out of the attachments it reports',
      'resize-rate-limit': 'not applicable on moto: it has no modification rate limit',
    },
  });
});
