// Shared set-up of the integration tests: the real SDK over HTTP against @ebs-autoscale/ec2-sim.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEc2Simulator, type Ec2Simulator, type Ec2SimulatorOptions } from '@ebs-autoscale/ec2-sim';
import { createEbsProvisioner, createEc2Api, type Ec2Api, type EbsProvisioner, type EbsProvisionerOptions } from '../src/index.js';
import { createMetadataClient, type MetadataClient } from '../src/instance-identity.js';

/** Schedules short enough for tests against the simulator's zero latencies. */
export const FAST_SCHEDULES: EbsProvisionerOptions['schedules'] = {
  apiRetry: { initialDelayMs: 5, maxDelayMs: 50, retries: 8 },
  volumeAvailable: { initialDelayMs: 5, maxDelayMs: 50, timeoutMs: 10_000 },
  attachment: { initialDelayMs: 5, maxDelayMs: 50, timeoutMs: 10_000 },
  device: { initialDelayMs: 5, maxDelayMs: 50, timeoutMs: 500 },
  modification: { initialDelayMs: 5, maxDelayMs: 50, timeoutMs: 10_000 },
};

export interface Harness {
  sim: Ec2Simulator;
  provisioner: EbsProvisioner;
  devRoot: string;
  sysRoot: string;
  /** IMDS requests made through the provisioner's metadata client. */
  imdsRequests: string[];
  close(): Promise<void>;
}

/**
 * Starts a simulator and a provisioner pointed at it. With the memory backing there is no kernel, so
 * `fakeKernel` (default on) plays one: when EC2 reports an attach, it writes the NVMe controller entries
 * (`class/nvme/nvmeN/serial`, the namespace, the dev node) the way a Nitro host shows them.
 */
export async function startHarness(
  options: { sim?: Ec2SimulatorOptions; provisioner?: Partial<EbsProvisionerOptions>; fakeKernel?: boolean; wrapEc2?: (api: Ec2Api) => Ec2Api } = {},
): Promise<Harness> {
  const sim = await startEc2Simulator({ latencies: 'zero', ...options.sim });
  const scratch = await mkdtemp(join(tmpdir(), 'provisioner-ebs-'));
  const devRoot = sim.devRoot ?? join(scratch, 'dev');
  const sysRoot = sim.sysRoot ?? join(scratch, 'sys');
  await mkdir(devRoot, { recursive: true });
  await mkdir(join(sysRoot, 'class', 'nvme'), { recursive: true });
  const imdsRequests: string[] = [];
  const real = createMetadataClient(sim.imdsEndpoint);
  const metadata: MetadataClient = { request: (path, init) => (imdsRequests.push(path), real.request(path, init)) };
  const provisioner = createEbsProvisioner({
    mountPoint: '/scratch',
    metadata,
    ec2ClientConfig: sim.clientConfig(),
    ...(options.wrapEc2 ? { ec2: options.wrapEc2(createEc2Api(sim.region, sim.clientConfig())) } : {}),
    devRoot,
    sysRoot,
    schedules: FAST_SCHEDULES,
    ...options.provisioner,
  });
  if (options.fakeKernel ?? sim.devRoot === undefined) playNitroKernel(provisioner, devRoot, sysRoot);
  return {
    sim,
    provisioner,
    devRoot,
    sysRoot,
    imdsRequests,
    close: async () => {
      await sim.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Volumes the simulator holds that are not deleted, the instance's root volume excepted. */
export function liveVolumes(sim: Ec2Simulator) {
  return sim.volumes().filter((volume) => volume.volumeId !== sim.instance.rootVolumeId && volume.state !== 'deleted' && volume.state !== 'deleting');
}

/**
 * Plays the kernel of a Nitro host where there is none (the simulator's memory backing, moto): for
 * every attach the provisioner reports, the NVMe controller entries (`class/nvme/nvmeN/serial` with the
 * volume id, the namespace, the dev node) appear as a Nitro host shows them.
 */
export function playNitroKernel(provisioner: EbsProvisioner, devRoot: string, sysRoot: string): void {
  let controller = 1;
  provisioner.on('volume:attached', ({ volumeId }) => {
    const index = controller++;
    const dir = join(sysRoot, 'class', 'nvme', `nvme${index}`);
    void mkdir(join(dir, `nvme${index}n1`), { recursive: true })
      .then(() => writeFile(join(dir, 'serial'), `${volumeId.replace('-', '')}\n`))
      .then(() => writeFile(join(devRoot, `nvme${index}n1`), ''));
  });
}
