import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaRunner, GIB, systemClock, type Clock } from '@ebs-autoscale/core';
import { createMemoryBacking, type Backing } from './backing/backing.js';
import { createLoopBacking } from './backing/loop.js';
import { createEc2Server } from './ec2-api.js';
import { Faults, type FaultController } from './faults.js';
import { createImdsServer, metadataTagKeyProblem } from './imds.js';
import { resolveLatencies } from './latency.js';
import { createRandom } from './random.js';
import { DEFAULT_INSTANCE, regionOf, type Ec2SimulatorOptions, type SimBackingKind, type SimInstanceInfo, type SimInstanceOptions } from './options.js';
import { newResourceId, type SimVolumeView } from './state.js';
import { resolveThrottleLimits, StatsCounter, Throttler, type SimStats } from './throttling.js';
import { SimWorld } from './world.js';

/** What `new EC2Client(sim.clientConfig())` needs. */
export interface SimClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A running simulator. See {@link startEc2Simulator}. */
export interface Ec2Simulator {
  /** The EC2 endpoint, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** The IMDS endpoint, `http://127.0.0.1:<port>`; use it where a client would use `http://169.254.169.254`. */
  readonly imdsEndpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly backing: SimBackingKind;
  /** The sandbox `/dev` (loop backing only). */
  readonly devRoot: string | undefined;
  /** The sandbox `/sys` (loop backing only). */
  readonly sysRoot: string | undefined;
  /** Where the loop backing keeps its files (loop backing only). */
  readonly stateDir: string | undefined;
  readonly instance: SimInstanceInfo;
  readonly faults: FaultController;
  readonly clock: Clock;
  clientConfig(): SimClientConfig;
  stats(): SimStats;
  resetStats(): void;
  volumes(): SimVolumeView[];
  volume(volumeId: string): SimVolumeView | undefined;
  /** Resolves when no backing work (losetup, sandbox entries) is in flight. */
  settled(): Promise<void>;
  /** Stops the servers and timers, detaches every loop device, removes a temp state dir. */
  close(): Promise<void>;
}

/**
 * Starts an EC2 + IMDSv2 simulator on 127.0.0.1 with one pre-created instance.
 *
 * @example
 * ```ts
 * const sim = await startEc2Simulator({ latencies: 'zero' });
 * const ec2 = new EC2Client(sim.clientConfig());
 * await ec2.send(new CreateVolumeCommand({ AvailabilityZone: sim.instance.availabilityZone, Size: 10 }));
 * await sim.close();
 * ```
 */
export async function startEc2Simulator(options: Ec2SimulatorOptions = {}): Promise<Ec2Simulator> {
  const clock = options.clock ?? systemClock;
  const accountId = options.accountId ?? '123456789012';
  const random = createRandom(options.seed ?? 1);
  refuseUnservableTags({ ...DEFAULT_INSTANCE, ...options.instance });
  const kind = options.backing ?? 'memory';
  const ownsStateDir = kind === 'loop' && options.stateDir === undefined;
  const stateDir = kind === 'loop' ? (options.stateDir ?? (await mkdtemp(join(tmpdir(), 'ec2-sim-')))) : undefined;
  const backing: Backing =
    kind === 'loop' && stateDir
      ? await createLoopBacking({ stateDir, bytesPerGiB: options.bytesPerGiB ?? GIB, runner: options.runner ?? createExecaRunner() })
      : createMemoryBacking();

  const config = { ...DEFAULT_INSTANCE, ...options.instance };
  const faults = new Faults(clock);
  const instance: SimInstanceInfo = {
    instanceId: config.instanceId,
    availabilityZone: config.availabilityZone,
    region: regionOf(config.availabilityZone),
    instanceType: config.instanceType,
    imageId: config.imageId,
    rootDeviceName: config.rootDeviceName,
    rootVolumeId: newResourceId('vol', random),
    tags: { ...config.tags },
    tagsInMetadata: config.tagsInMetadata,
  };
  const info = instance;
  const world = new SimWorld(clock, random, resolveLatencies(options.latencies), faults, backing, instance, accountId);
  createRootVolume(world, config.rootVolumeSizeGiB);
  const instanceTags = world.tagsOf(info.instanceId);
  for (const [key, value] of Object.entries(config.tags)) instanceTags.set(key, value);

  const stats = new StatsCounter();
  const throttler = new Throttler(resolveThrottleLimits(options.throttling), clock);
  const ec2 = createEc2Server({ world, throttler, stats, modificationRule: options.volumeModificationRule ?? '4-per-24h' });
  const imds = createImdsServer(world);
  const endpoint = await listen(ec2, options.port ?? 0);
  const imdsEndpoint = await listen(imds, options.imdsPort ?? 0);

  let closed: Promise<void> | undefined;
  return {
    endpoint,
    imdsEndpoint,
    region: info.region,
    accountId,
    backing: kind,
    devRoot: backing.devRoot,
    sysRoot: backing.sysRoot,
    stateDir,
    instance: info,
    faults,
    clock,
    clientConfig: () => ({ endpoint, region: info.region, credentials: { accessKeyId: 'AKIDEC2SIMULATOR', secretAccessKey: 'ec2-sim-secret' } }),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    volumes: () => [...world.volumes.values()].sort((a, b) => a.seq - b.seq).map((volume) => world.view(volume)),
    volume: (volumeId) => {
      const volume = world.volumes.get(volumeId);
      return volume && world.view(volume);
    },
    settled: () => world.settled(),
    close: () =>
      (closed ??= (async () => {
        world.scheduler.close();
        await Promise.all([stop(ec2), stop(imds)]);
        await world.settled();
        await backing.close();
        if (ownsStateDir && stateDir) await rm(stateDir, { recursive: true, force: true });
      })()),
  };
}

/** EC2 refuses to launch with tags in instance metadata when a tag key cannot be a metadata path segment. */
function refuseUnservableTags(instance: Required<SimInstanceOptions>): void {
  if (!instance.tagsInMetadata) return;
  for (const key of Object.keys(instance.tags)) {
    const problem = metadataTagKeyProblem(key);
    if (problem)
      throw new Error(
        `[ebs-autoscale] [ec2-sim] instance tag key ${problem}, which EC2 refuses while tags are in instance metadata: rename the tag or set instance.tagsInMetadata to false`,
      );
  }
}

/** The instance's root volume: attached at launch, deleted on termination, no backing device. */
function createRootVolume(world: SimWorld, sizeGiB: number): void {
  const id = world.instance.rootVolumeId;
  const now = world.now();
  world.volumes.set(id, {
    id,
    seq: world.nextSeq(),
    region: world.instance.region,
    availabilityZone: world.instance.availabilityZone,
    createTime: now,
    encrypted: false,
    sizeGiB,
    volumeType: 'gp3',
    iops: 3_000,
    throughput: 125,
    state: 'in-use',
    attachment: { instanceId: world.instance.instanceId, device: world.instance.rootDeviceName, state: 'attached', attachTime: now, deleteOnTermination: true },
    modifications: [],
    root: true,
  });
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${bound}`);
    });
  });
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
