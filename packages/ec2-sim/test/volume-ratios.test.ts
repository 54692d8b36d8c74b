import {
  CreateVolumeCommand,
  DescribeVolumesCommand,
  DescribeVolumesModificationsCommand,
  ModifyVolumeCommand,
  type CreateVolumeCommandInput,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { errorOf } from './helpers.js';
import { useTestSim } from './sim-fixture.js';

const env = useTestSim();

/** CreateVolume in us-east-1a through the SDK; what a caller would send. */
function create(input: Omit<CreateVolumeCommandInput, 'AvailabilityZone'>) {
  return env.ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', ...input }));
}

/** Volumes the region lists (the instance's root volume included). */
async function volumeCount(): Promise<number> {
  const { Volumes } = await env.ec2.send(new DescribeVolumesCommand({}));
  return Volumes?.length ?? 0;
}

describe('CreateVolume refuses IOPS and throughput the size cannot carry', () => {
  it('refuses 16000 IOPS on a 1 GiB gp3, naming the ratio, and creates nothing', async () => {
    const before = await volumeCount();
    const error = await errorOf(create({ Size: 1, VolumeType: 'gp3', Iops: 16_000, ClientToken: 'ratio-token' }));
    expect(error).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    expect(error.message).toContain('Iops to volume size ratio of 16000.000000 is too high; maximum is 500');
    expect(error.message).toContain('A 1GiB gp3 volume takes at most 3000 IOPS; 16000 IOPS needs at least 32GiB.');
    expect(await volumeCount()).toBe(before);
    // Not even the ClientToken was spent: the corrected retry with the same token succeeds.
    const retry = await create({ Size: 32, VolumeType: 'gp3', Iops: 16_000, ClientToken: 'ratio-token' });
    expect(retry).toMatchObject({ Size: 32, Iops: 16_000 });
    expect(await volumeCount()).toBe(before + 1);
  });

  it('accepts gp3 at the boundaries: the 3000 baseline on 1 and 6 GiB, 500 per GiB above it', async () => {
    expect(await create({ Size: 1, VolumeType: 'gp3', Iops: 3_000 })).toMatchObject({ Size: 1, Iops: 3_000, Throughput: 125 });
    expect(await create({ Size: 1, VolumeType: 'gp3' })).toMatchObject({ Size: 1, Iops: 3_000 });
    expect(await create({ Size: 6, VolumeType: 'gp3', Iops: 3_000 })).toMatchObject({ Iops: 3_000 });
    expect(await create({ Size: 10, VolumeType: 'gp3', Iops: 5_000 })).toMatchObject({ Iops: 5_000 });
    expect(await create({ Size: 32, VolumeType: 'gp3', Iops: 16_000 })).toMatchObject({ Iops: 16_000 });
    expect((await errorOf(create({ Size: 6, VolumeType: 'gp3', Iops: 3_001 }))).message).toContain('A 6GiB gp3 volume takes at most 3000 IOPS');
    expect((await errorOf(create({ Size: 10, VolumeType: 'gp3', Iops: 5_001 }))).message).toContain('ratio of 500.100000 is too high; maximum is 500');
    expect((await errorOf(create({ Size: 31, VolumeType: 'gp3', Iops: 16_000 }))).name).toBe('InvalidParameterValue');
  });

  it('holds io1 to 50 IOPS per GiB', async () => {
    expect(await create({ Size: 4, VolumeType: 'io1', Iops: 200 })).toMatchObject({ VolumeType: 'io1', Iops: 200 });
    expect(await create({ Size: 100, VolumeType: 'io1', Iops: 5_000 })).toMatchObject({ Iops: 5_000 });
    const error = await errorOf(create({ Size: 100, VolumeType: 'io1', Iops: 5_001 }));
    expect(error).toMatchObject({ name: 'InvalidParameterValue' });
    expect(error.message).toContain('Iops to volume size ratio of 50.010000 is too high; maximum is 50.');
    expect(error.message).toContain('A 100GiB io1 volume takes at most 5000 IOPS; 5001 IOPS needs at least 101GiB.');
  });

  it('holds io2 to 1000 IOPS per GiB', async () => {
    expect(await create({ Size: 4, VolumeType: 'io2', Iops: 4_000 })).toMatchObject({ VolumeType: 'io2', Iops: 4_000 });
    expect(await create({ Size: 256, VolumeType: 'io2', Iops: 256_000 })).toMatchObject({ Iops: 256_000 });
    const error = await errorOf(create({ Size: 4, VolumeType: 'io2', Iops: 4_001 }));
    expect(error).toMatchObject({ name: 'InvalidParameterValue' });
    expect(error.message).toContain('Iops to volume size ratio of 1000.250000 is too high; maximum is 1000.');
  });

  it('holds gp3 throughput to 0.25 MiB/s per IOPS, counting 3000 IOPS when the request names none', async () => {
    expect(await create({ Size: 8, VolumeType: 'gp3', Throughput: 750 })).toMatchObject({ Iops: 3_000, Throughput: 750 });
    expect(await create({ Size: 8, VolumeType: 'gp3', Iops: 4_000, Throughput: 1_000 })).toMatchObject({ Iops: 4_000, Throughput: 1_000 });
    const implicit = await errorOf(create({ Size: 8, VolumeType: 'gp3', Throughput: 751 }));
    expect(implicit).toMatchObject({ name: 'InvalidParameterValue' });
    expect(implicit.message).toContain('Throughput (MiBps) to iops ratio of 0.250333 is too high; maximum is 0.250000 MiBps per iops.');
    expect(implicit.message).toContain('At 3000 IOPS the throughput is at most 750 MiB/s; 751 MiB/s needs at least 3004 IOPS.');
    const explicit = await errorOf(create({ Size: 8, VolumeType: 'gp3', Iops: 3_999, Throughput: 1_000 }));
    expect(explicit.message).toContain('At 3999 IOPS the throughput is at most 999 MiB/s; 1000 MiB/s needs at least 4000 IOPS.');
    // The 125–2,000 range still applies on its own, whatever the IOPS.
    expect((await errorOf(create({ Size: 200, VolumeType: 'gp3', Iops: 80_000, Throughput: 2_001 }))).message).toContain(
      'Expected a value between 125 and 2000',
    );
  });
});

describe('gp3 has the limits of September 2025: 64 TiB, 80,000 IOPS, 2,000 MiB/s', () => {
  it('creates a volume at each maximum and refuses one past it', async () => {
    expect(await create({ Size: 65_536, VolumeType: 'gp3' })).toMatchObject({ Size: 65_536 });
    expect((await errorOf(create({ Size: 65_537, VolumeType: 'gp3' }))).message).toContain('maximum is 65536GiB');
    // 80,000 IOPS takes 160 GiB at 500 per GiB; 2,000 MiB/s takes 8,000 IOPS at 0.25 MiB/s per IOPS.
    expect(await create({ Size: 160, VolumeType: 'gp3', Iops: 80_000, Throughput: 2_000 })).toMatchObject({ Iops: 80_000, Throughput: 2_000 });
    expect((await errorOf(create({ Size: 200, VolumeType: 'gp3', Iops: 80_001 }))).message).toContain('Expected a value between 3000 and 80000');
    expect((await errorOf(create({ Size: 16, VolumeType: 'gp3', Iops: 7_999, Throughput: 2_000 }))).message).toContain('2000 MiB/s needs at least 8000 IOPS');
    // gp2 keeps its 16 TiB.
    expect((await errorOf(create({ Size: 16_385, VolumeType: 'gp2' }))).message).toContain('maximum is 16384GiB');
  });
});

describe('ModifyVolume applies the same ratios to the target configuration', () => {
  it('refuses IOPS above the target size and leaves the volume unmodified; accepts it once the size grows', async () => {
    const { VolumeId } = await create({ Size: 10, VolumeType: 'gp3' });
    await env.clock.advance(1);
    const error = await errorOf(env.ec2.send(new ModifyVolumeCommand({ VolumeId, Iops: 6_000 })));
    expect(error).toMatchObject({ name: 'InvalidParameterValue' });
    expect(error.message).toContain('A 10GiB gp3 volume takes at most 5000 IOPS');
    // No modification was recorded (so none counts against the rate limit) and the volume is unchanged.
    expect((await errorOf(env.ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: [VolumeId!] })))).name).toBe('InvalidVolumeModification.NotFound');
    expect((await env.ec2.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId!] }))).Volumes?.[0]).toMatchObject({ Size: 10, Iops: 3_000, Throughput: 125 });
    const throughput = await errorOf(env.ec2.send(new ModifyVolumeCommand({ VolumeId, Throughput: 1_000 })));
    expect(throughput.message).toContain('At 3000 IOPS the throughput is at most 750 MiB/s');
    const { VolumeModification } = await env.ec2.send(new ModifyVolumeCommand({ VolumeId, Size: 12, Iops: 6_000, Throughput: 1_000 }));
    expect(VolumeModification).toMatchObject({ TargetSize: 12, TargetIops: 6_000, TargetThroughput: 1_000 });
  });
});
