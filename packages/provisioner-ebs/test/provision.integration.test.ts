import { AttachVolumeCommand, CreateVolumeCommand, DescribeVolumesModificationsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { hasErrorCode, ProvisionerError } from '@ebs-autoscale/core';
import { ZERO_LATENCIES } from '@ebs-autoscale/ec2-sim';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ec2Api } from '../src/index.js';
import { volumeTags } from '../src/tags.js';
import { liveVolumes, startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('EbsProvisioner against the EC2 simulator (real SDK over HTTP)', () => {
  it('provisions an attached, discovered, tagged volume that is deleted with the instance', async () => {
    harness = await startHarness();
    const { sim, provisioner } = harness;
    const volume = await provisioner.provision({ sizeGiB: 10 });

    expect(volume.sizeGiB).toBe(10);
    expect(volume.device).toMatch(/nvme\dn1$/);
    const view = sim.volume(volume.volumeId);
    expect(view?.state).toBe('in-use');
    expect(view?.attachment).toMatchObject({ instanceId: sim.instance.instanceId, device: '/dev/xvdba', deleteOnTermination: true });
    expect(view?.volumeType).toBe('gp3');
    expect(view?.tags).toMatchObject({
      'source-instance': sim.instance.instanceId,
      'source-instance-arn': `arn:aws:ec2:${sim.region}:${sim.accountId}:instance/${sim.instance.instanceId}`,
      'ebs-autoscale:mount-point': '/scratch',
      'team:storage-ops': 'disk growth: on',
      Name: 'ebs-autoscale-sim',
    });
    expect(Object.keys(view?.tags ?? {}).some((key) => key.startsWith('aws:'))).toBe(false);
    expect(Number(view?.tags['amazon-ebs-autoscale-creation-time'])).toBeGreaterThan(1_600_000_000);

    const listed = await provisioner.list();
    expect(listed).toEqual([{ volumeId: volume.volumeId, sizeGiB: 10, state: 'in-use', device: volume.device, deleteOnTermination: true }]);

    await provisioner.release(volume.volumeId);
    expect(liveVolumes(sim)).toEqual([]);
  });

  it('reads the identity once and makes no EC2 call unless asked', async () => {
    harness = await startHarness();
    const { sim, provisioner, imdsRequests } = harness;
    const identity = await provisioner.instanceIdentity();
    expect(identity).toMatchObject({
      instanceId: sim.instance.instanceId,
      availabilityZone: sim.instance.availabilityZone,
      region: sim.region,
      tagsSource: 'imds',
    });
    expect(identity.tags).toContainEqual({ key: 'team:storage-ops', value: 'disk growth: on' });
    expect(sim.stats().calls).toEqual({});
    const first = imdsRequests.length;
    await provisioner.provision({ sizeGiB: 1 });
    await provisioner.provision({ sizeGiB: 1 });
    expect(imdsRequests.length).toBe(first);
    sim.resetStats();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.stats().calls).toEqual({});
  });

  it('falls back to DescribeInstances for the tags when the instance has no tags in IMDS', async () => {
    harness = await startHarness({ sim: { instance: { tagsInMetadata: false } } });
    const identity = await harness.provisioner.instanceIdentity();
    expect(identity.tagsSource).toBe('describe-instances');
    expect(identity.tags).toContainEqual({ key: 'team:storage-ops', value: 'disk growth: on' });
  });

  it('survives a throttling storm: every provision succeeds and the calls stay bounded', async () => {
    harness = await startHarness();
    const { sim, provisioner } = harness;
    const retries: string[] = [];
    provisioner.on('ec2:retry', (event) => retries.push(event.action));
    sim.faults.throttle({ count: 12 });
    const volumes = [];
    for (let i = 0; i < 3; i += 1) volumes.push(await provisioner.provision({ sizeGiB: 2 }));
    expect(volumes).toHaveLength(3);
    expect(new Set(volumes.map((volume) => volume.volumeId)).size).toBe(3);
    const stats = sim.stats();
    const throttled = Object.values(stats.throttled).reduce((sum, n) => sum + n, 0);
    const calls = Object.values(stats.calls).reduce((sum, n) => sum + n, 0);
    expect(throttled).toBeGreaterThanOrEqual(12);
    expect(retries.length).toBe(throttled);
    expect(calls).toBeLessThan(80);
    expect(stats.calls.CreateVolume! - (stats.throttled.CreateVolume ?? 0)).toBe(3);
  });

  it('deletes the volume when AttachVolume fails', async () => {
    harness = await startHarness();
    const { sim, provisioner } = harness;
    sim.faults.attachmentLimitExceeded();
    const error = await provisioner.provision({ sizeGiB: 5 }).catch((thrown: unknown) => thrown);
    expect(hasErrorCode(error, 'LIMIT_REACHED')).toBe(true);
    expect(sim.stats().calls.CreateVolume).toBe(1);
    expect(sim.stats().calls.DeleteVolume).toBe(1);
    expect(liveVolumes(sim)).toEqual([]);
  });

  it('detaches and deletes the volume, and says DEVICE_NOT_FOUND, when the device never appears', async () => {
    harness = await startHarness({ fakeKernel: false });
    const { sim, provisioner } = harness;
    const error = await provisioner.provision({ sizeGiB: 5 }).catch((thrown: unknown) => thrown);
    expect(hasErrorCode(error, 'DEVICE_NOT_FOUND')).toBe(true);
    expect(sim.stats().calls.DetachVolume).toBe(1);
    expect(liveVolumes(sim)).toEqual([]);
  });

  it('turns an IAM denial into UNAUTHORIZED naming the action to grant, without retrying it', async () => {
    harness = await startHarness();
    const { sim, provisioner } = harness;
    sim.faults.deny('CreateVolume');
    const error = (await provisioner.provision({ sizeGiB: 5 }).catch((thrown: unknown) => thrown)) as ProvisionerError;
    expect(error).toBeInstanceOf(ProvisionerError);
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('ec2:CreateVolume');
    expect(error.hint).toMatch(/Grant ec2:CreateVolume/);
    expect(sim.stats().calls.CreateVolume).toBe(1);
  });

  it.each([
    ['maxAttachedVolumes', { maxAttachedVolumes: 1 }, 5],
    ['maxVolumeGiB', { maxVolumeGiB: 4 }, 5],
    ['minVolumeGiB', { minVolumeGiB: 10 }, 5],
    ['maxTotalCreatedGiB', { maxTotalCreatedGiB: 8 }, 5],
    ['maxOwnedVolumes', { maxOwnedVolumes: 1 }, 1],
    ['maxCreatedVolumes', { maxCreatedVolumes: 1 }, 1],
  ] as const)('enforces %s before any mutating call', async (limit, limits, sizeGiB) => {
    harness = await startHarness({ provisioner: { limits } });
    const { sim, provisioner } = harness;
    if (limit === 'maxAttachedVolumes' || limit === 'maxOwnedVolumes' || limit === 'maxCreatedVolumes' || limit === 'maxTotalCreatedGiB') {
      // One earlier volume of ours, made by the same instance (attached beside the root volume, which maxAttachedVolumes does not count).
      await (limit === 'maxTotalCreatedGiB' ? provisioner.provision({ sizeGiB: 4 }) : provisioner.provision({ sizeGiB: 1 }));
    }
    sim.resetStats();
    const error = await provisioner.provision({ sizeGiB }).catch((thrown: unknown) => thrown);
    expect(hasErrorCode(error, 'LIMIT_REACHED')).toBe(true);
    expect((error as Error).message).toContain(limit);
    const calls = sim.stats().calls;
    for (const mutating of ['CreateVolume', 'AttachVolume', 'ModifyInstanceAttribute', 'DeleteVolume']) expect(calls[mutating]).toBeUndefined();
  });

  it('never makes two volumes when a CreateVolume response is lost and the request retried', async () => {
    let lost = false;
    const tokens: string[] = [];
    harness = await startHarness({
      wrapEc2: (real): Ec2Api => ({
        ...real,
        createVolume: async (input) => {
          tokens.push(input.ClientToken ?? '');
          const output = await real.createVolume(input);
          if (!lost) {
            lost = true; // EC2 made the volume, but the answer never arrived
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          }
          return output;
        },
      }),
    });
    const volume = await harness.provisioner.provision({ sizeGiB: 3 });
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
    expect(harness.sim.stats().calls.CreateVolume).toBe(2);
    expect(liveVolumes(harness.sim).map((view) => view.volumeId)).toEqual([volume.volumeId]);
  });

  it('derives a fresh ClientToken on IdempotentParameterMismatch', async () => {
    let n = 0;
    harness = await startHarness({ provisioner: { clientToken: () => `token-${++n}` } });
    const { sim, provisioner } = harness;
    sim.faults.fail('CreateVolume', { code: 'IdempotentParameterMismatch', status: 400 });
    const volume = await provisioner.provision({ sizeGiB: 3 });
    expect(sim.stats().calls.CreateVolume).toBe(2);
    expect(liveVolumes(sim).map((view) => view.volumeId)).toEqual([volume.volumeId]);
  });

  it('reconcile() deletes a volume left unattached by a crash between create and attach', async () => {
    harness = await startHarness();
    const { sim, provisioner } = harness;
    const identity = await provisioner.instanceIdentity();
    const ec2 = new EC2Client(sim.clientConfig());
    const { VolumeId } = await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: identity.availabilityZone,
        Size: 7,
        VolumeType: 'gp3',
        TagSpecifications: [{ ResourceType: 'volume', Tags: volumeTags(identity, '/scratch', Date.now()) }],
      }),
    );
    await vi.waitUntil(() => sim.volume(VolumeId!)?.state === 'available');
    const report = await provisioner.reconcile();
    expect(report).toEqual({ attached: [], deleted: [VolumeId], deleteOnTerminationSet: [] });
    expect(liveVolumes(sim)).toEqual([]);
    expect(await provisioner.list()).toEqual([]);
    ec2.destroy();
  });

  it('reconcile() sets DeleteOnTermination on an attached volume of ours that lacks it, and leaves other mount points alone', async () => {
    harness = await startHarness();
    const { sim, provisioner } = harness;
    const identity = await provisioner.instanceIdentity();
    const ec2 = new EC2Client(sim.clientConfig());
    const create = async (mountPoint: string) =>
      (
        await ec2.send(
          new CreateVolumeCommand({
            AvailabilityZone: identity.availabilityZone,
            Size: 2,
            TagSpecifications: [{ ResourceType: 'volume', Tags: volumeTags(identity, mountPoint, Date.now()) }],
          }),
        )
      ).VolumeId!;
    const ours = await create('/scratch');
    const theirs = await create('/other');
    await vi.waitUntil(() => [ours, theirs].every((id) => sim.volume(id)?.state === 'available'));
    await ec2.send(new AttachVolumeCommand({ VolumeId: ours, InstanceId: identity.instanceId, Device: '/dev/xvdcz' }));
    await vi.waitUntil(() => sim.volume(ours)?.attachment?.state === 'attached');
    expect(sim.volume(ours)?.attachment?.deleteOnTermination).toBe(false);
    const report = await provisioner.reconcile();
    expect(report).toEqual({ attached: [], deleted: [], deleteOnTerminationSet: [ours] });
    expect(sim.volume(ours)?.attachment?.deleteOnTermination).toBe(true);
    expect(sim.volume(theirs)?.state).toBe('available');
    ec2.destroy();
  });

  it('reconcile() with orphans: attach attaches the orphan instead', async () => {
    harness = await startHarness({ provisioner: { orphans: 'attach' } });
    const { sim, provisioner } = harness;
    const identity = await provisioner.instanceIdentity();
    const ec2 = new EC2Client(sim.clientConfig());
    const { VolumeId } = await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: identity.availabilityZone,
        Size: 2,
        TagSpecifications: [{ ResourceType: 'volume', Tags: volumeTags(identity, '/scratch', Date.now()) }],
      }),
    );
    await vi.waitUntil(() => sim.volume(VolumeId!)?.state === 'available');
    expect(await provisioner.reconcile()).toEqual({ attached: [VolumeId], deleted: [], deleteOnTerminationSet: [] });
    expect(sim.volume(VolumeId!)?.attachment?.deleteOnTermination).toBe(true);
    ec2.destroy();
  });

  it('resizes through ModifyVolume four times in 24 hours and refuses the fifth with the time the first leaves the window', async () => {
    harness = await startHarness();
    const { sim, provisioner } = harness;
    const volume = await provisioner.provision({ sizeGiB: 10 });
    const firstStart = Date.now();
    for (const size of [20, 30, 40, 50]) {
      await provisioner.resize(volume.volumeId, size);
      expect(sim.volume(volume.volumeId)?.sizeGiB).toBe(size);
      await waitForCompleted(sim, volume.volumeId);
    }
    const error = (await provisioner.resize(volume.volumeId, 60).catch((thrown: unknown) => thrown)) as ProvisionerError & { retryAt?: Date };
    expect(error).toMatchObject({ name: 'VolumeModificationRateError', code: 'LIMIT_REACHED', retryable: true });
    expect(error.retryAt!.getTime()).toBeGreaterThanOrEqual(firstStart + 24 * 3600_000);
    expect(error.retryAt!.getTime()).toBeLessThan(Date.now() + 24 * 3600_000);
    expect(error.message).toMatch(/4 modifications within 24 hours.*may be resized again after \d{4}-/);
    expect(sim.volume(volume.volumeId)?.sizeGiB).toBe(50);
    await expect(provisioner.resize(volume.volumeId, 5)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses a resize while the last modification is still optimizing, as LIMIT_REACHED with a retry time', async () => {
    harness = await startHarness({ sim: { latencies: { ...ZERO_LATENCIES, optimize: { kind: 'fixed', ms: 600_000 } } } });
    const { sim, provisioner } = harness;
    const volume = await provisioner.provision({ sizeGiB: 10 });
    await provisioner.resize(volume.volumeId, 20);
    const error = (await provisioner.resize(volume.volumeId, 30).catch((thrown: unknown) => thrown)) as ProvisionerError & { retryAt?: Date };
    expect(error).toMatchObject({ name: 'VolumeModificationRateError', code: 'LIMIT_REACHED', retryable: true });
    expect(error.message).toContain('has not reached `completed` yet');
    expect(error.retryAt!.getTime()).toBeGreaterThan(Date.now());
    expect(sim.volume(volume.volumeId)?.sizeGiB).toBe(20);
  });
});

/** Waits (in real time: the harness's simulator runs on the system clock) until the volume's last modification is completed. */
async function waitForCompleted(sim: Harness['sim'], volumeId: string): Promise<void> {
  const ec2 = new EC2Client(sim.clientConfig());
  try {
    for (let polls = 0; polls < 200; polls += 1) {
      const { VolumesModifications } = await ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: [volumeId] }));
      if (VolumesModifications?.[0]?.ModificationState === 'completed') return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`the modification of ${volumeId} did not complete`);
  } finally {
    ec2.destroy();
  }
}
