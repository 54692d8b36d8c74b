// A ProvisionerWorld (testkit's provisioner suite) for the EBS provisioner on any EC2 endpoint: the
// real SDK over HTTP, a raw EC2 client beside it to plant and inspect volumes, and a sandbox /dev and
// /sys where a stand-in kernel makes an NVMe device appear for every attach the provisioner makes.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttachVolumeCommand, CreateVolumeCommand, DescribeVolumesCommand, EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import type { CloudVolume, ProvisionerWorld, ProvisionerWorldOptions } from '@ebs-autoscale/testkit';
import { createEbsProvisioner, createEc2Api, TAG_MOUNT_POINT, TAG_SOURCE_INSTANCE, volumeTags, type Ec2Api } from '../src/index.js';
import type { InstanceIdentity, MetadataClient } from '../src/instance-identity.js';
import { FAST_SCHEDULES, playNitroKernel } from './harness.js';

const MOUNT_POINT = '/scratch';
const MUTATING: ReadonlySet<keyof Ec2Api> = new Set([
  'createVolume',
  'attachVolume',
  'detachVolume',
  'deleteVolume',
  'modifyInstanceAttribute',
  'modifyVolume',
]);

/** Where the world's EC2 is and who the instance is. */
export interface EbsWorldEndpoint {
  readonly region: string;
  readonly clientConfig: EC2ClientConfig;
  readonly metadata: MetadataClient;
  /** Waits for the cloud's asynchronous state changes (create, attach) to settle, if it has any. */
  settle(): Promise<void>;
  /**
   * Makes the cloud itself refuse the next AttachVolume with IncorrectState, over the wire. Without it
   * the world throws that error in front of the SDK client, shaped as the SDK throws a 400.
   */
  failNextAttach?(): void;
}

/** An SDK-shaped client error, as the SDK throws it for a 400 answer. */
function clientError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export async function createEbsWorld(endpoint: EbsWorldEndpoint, options: ProvisionerWorldOptions): Promise<ProvisionerWorld> {
  const scratch = await mkdtemp(join(tmpdir(), 'ebs-world-'));
  const devRoot = join(scratch, 'dev');
  const sysRoot = join(scratch, 'sys');
  await mkdir(devRoot, { recursive: true });
  await mkdir(join(sysRoot, 'class', 'nvme'), { recursive: true });
  const raw = new EC2Client({ ...endpoint.clientConfig, maxAttempts: 3 });
  let mutating = 0;
  let loseCreate = false;
  let failAttach = false;
  const real = createEc2Api(endpoint.region, endpoint.clientConfig);
  const wrapped = Object.fromEntries(
    (Object.keys(real) as (keyof Ec2Api)[]).map((name) => [
      name,
      async (input: never) => {
        if (MUTATING.has(name)) mutating += 1;
        if (name === 'attachVolume' && failAttach) {
          failAttach = false;
          throw clientError('IncorrectState', 'The volume is not in the available state.');
        }
        const output = await (real[name] as (input: never) => Promise<unknown>)(input);
        if (name === 'createVolume' && loseCreate) {
          loseCreate = false; // the cloud made the volume, but the answer never arrived
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return output;
      },
    ]),
  ) as unknown as Ec2Api;
  const provisioner = createEbsProvisioner({
    mountPoint: MOUNT_POINT,
    metadata: endpoint.metadata,
    ec2: wrapped,
    devRoot,
    sysRoot,
    schedules: FAST_SCHEDULES,
    orphans: options.orphans,
    ...(options.maxOwnedVolumes !== undefined ? { limits: { maxOwnedVolumes: options.maxOwnedVolumes } } : {}),
  });
  playNitroKernel(provisioner, devRoot, sysRoot);
  const identity: InstanceIdentity = await provisioner.instanceIdentity();

  const plant = async (mountPoint: string): Promise<string> => {
    const { VolumeId } = await raw.send(
      new CreateVolumeCommand({
        AvailabilityZone: identity.availabilityZone,
        Size: 1,
        VolumeType: 'gp3',
        TagSpecifications: [{ ResourceType: 'volume', Tags: volumeTags(identity, mountPoint, Date.now()) }],
      }),
    );
    await endpoint.settle();
    return VolumeId!;
  };

  return {
    provisioner,
    async inspect(volumeId): Promise<CloudVolume | undefined> {
      const volume = await raw.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })).then(
        (output) => output.Volumes?.[0],
        (error: { name?: string }) => {
          if (error.name === 'InvalidVolume.NotFound') return undefined;
          throw error;
        },
      );
      if (!volume || volume.State === 'deleted' || volume.State === 'deleting') return undefined;
      const attachment = volume.Attachments?.find((entry) => entry.InstanceId === identity.instanceId && entry.State === 'attached');
      const tag = (key: string) => volume.Tags?.find((entry) => entry.Key === key)?.Value;
      return {
        state: volume.State ?? 'unknown',
        sizeGiB: volume.Size ?? 0,
        attachedHere: attachment !== undefined,
        deleteOnTermination: attachment?.DeleteOnTermination,
        ownedByProvisioner: tag(TAG_SOURCE_INSTANCE) === identity.instanceId && tag(TAG_MOUNT_POINT) === MOUNT_POINT,
      };
    },
    async plantOwned(kind) {
      const volumeId = await plant(MOUNT_POINT);
      if (kind === 'attached-without-delete-on-termination') {
        await raw.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: identity.instanceId, Device: '/dev/xvdcz' }));
        await endpoint.settle();
      }
      return volumeId;
    },
    plantForeign: () => plant('/other'),
    loseNextCreateAnswer: () => void (loseCreate = true),
    failNextAttach: endpoint.failNextAttach ?? (() => void (failAttach = true)),
    mutatingCalls: async () => mutating,
    async close() {
      raw.destroy();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
