// The provisioner's volume-type table (src/volume-types.ts) and ec2-sim's (its own reading of EC2, kept
// apart on purpose) must agree: a spec the provisioner accepts is one the simulator creates, and one it
// refuses the simulator refuses too. Checked through the real SDK, over boundary-heavy random specs.
import { CreateVolumeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startEc2Simulator, type Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EBS_VOLUME_TYPES, validateVolumeSpec, type EbsVolumeType } from '../src/index.js';

let sim: Ec2Simulator;
let ec2: EC2Client;
beforeAll(async () => {
  sim = await startEc2Simulator({ latencies: 'zero', throttling: false });
  ec2 = new EC2Client({ ...sim.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  ec2.destroy();
  await sim.close();
});

/** Values at and around every bound either table has, plus anything in range. */
const near = (bounds: number[], max: number) => fc.oneof(fc.constantFrom(...bounds.flatMap((b) => [b - 1, b, b + 1])), fc.integer({ min: 1, max }));
const size = near([1, 4, 125, 1_024, 16_384, 65_536], 70_000);
const iops = fc.option(near([100, 3_000, 16_000, 64_000, 80_000, 256_000], 300_000), { nil: undefined });
const throughput = fc.option(near([125, 750, 1_000, 2_000], 2_500), { nil: undefined });

function provisionerAccepts(spec: { type: EbsVolumeType; iops: number | undefined; throughputMiBps: number | undefined }, sizeGiB: number): boolean {
  try {
    validateVolumeSpec(
      {
        type: spec.type,
        ...(spec.iops !== undefined ? { iops: spec.iops } : {}),
        ...(spec.throughputMiBps !== undefined ? { throughputMiBps: spec.throughputMiBps } : {}),
      },
      sizeGiB,
    );
    return true;
  } catch {
    return false;
  }
}

async function simulatorAccepts(type: EbsVolumeType, sizeGiB: number, iopsValue: number | undefined, throughputValue: number | undefined): Promise<boolean> {
  try {
    await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: sim.instance.availabilityZone,
        VolumeType: type,
        Size: sizeGiB,
        Iops: iopsValue,
        Throughput: throughputValue,
      }),
    );
    return true;
  } catch {
    return false;
  }
}

it('accepts and refuses the same volume specs as the simulator, for every type', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...EBS_VOLUME_TYPES), size, iops, throughput, async (type, sizeGiB, iopsValue, throughputValue) => {
      const ours = provisionerAccepts({ type, iops: iopsValue, throughputMiBps: throughputValue }, sizeGiB);
      const theirs = await simulatorAccepts(type, sizeGiB, iopsValue, throughputValue);
      expect({ type, sizeGiB, iopsValue, throughputValue, ours }).toEqual({ type, sizeGiB, iopsValue, throughputValue, ours: theirs });
    }),
    { numRuns: 600 },
  );
});
