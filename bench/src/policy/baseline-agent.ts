import { GIB, sizeForAddedVolumes, sleep, DEFAULT_LIMITS, type Clock } from '@ebs-autoscale/core';
import type { InMemoryDriver, InMemoryProvisioner, MemoryHost } from '@ebs-autoscale/core/testing';
import type { Random } from '../sim/random.js';
import type { FillModel } from './fill-model.js';
import type { Latencies } from './latencies.js';

/** Options of {@link BaselineAgent}. */
export interface BaselineAgentOptions {
  clock: Clock;
  random: Random;
  latencies: Latencies;
  driver: InMemoryDriver;
  host: MemoryHost;
  provisioner: InMemoryProvisioner;
  model: FillModel;
  /**
   * Autoscale-tagged volumes attached at start. 1 by default: `install.sh` creates the initial volume
   * with `create-ebs-volume`, which tags it `amazon-ebs-autoscale-creation-time`, and `get_num_devices`
   * counts tagged volumes, so the real tool starts its schedules one step later than core's
   * compatibility policy (which counts only volumes it added).
   */
  initialTaggedVolumes?: number;
}

/** The `aws ec2 wait volume-available` waiter: DescribeVolumes every 15 s, 40 attempts (botocore's waiter model). */
const WAITER_DELAY_S = 15;
const WAITER_MAX_ATTEMPTS = 40;
/** `jq` and IMDS `curl` calls before the first EC2 call of `create-ebs-volume` (7 of them). Assumed 50 ms each. */
const SCRIPT_OVERHEAD_S = 7 * 0.05;

/**
 * amazon-ebs-autoscale as it runs (bin/ebs-autoscale and bin/create-ebs-volume of awslabs/
 * amazon-ebs-autoscale, v2.4-era with the retry loops): every 2 s `df`; when the percentage reaches
 * `calc_threshold(NUM_DEVICES)` it counts devices (describe-volumes), then runs `create-ebs-volume`
 * synchronously — describe-tags, three describe-volumes, create-volume, the volume-available waiter,
 * `sleep 1`, attach-volume, a 1 s poll for the device node, modify-instance-attribute — then
 * `btrfs device add` and `btrfs balance start -m`, and only then polls again. Every `aws` call is a
 * fresh CLI process. No throttling here (one host): see the fleet benchmark for that.
 */
export class BaselineAgent {
  ec2Calls = 0;
  volumesCreated = 0;
  private numDevices: number;
  private readonly o: BaselineAgentOptions;

  constructor(options: BaselineAgentOptions) {
    this.o = options;
    this.numDevices = options.initialTaggedVolumes ?? 1;
  }

  /** Starts the loop on the clock; it never ends (the simulation just stops advancing). */
  start(): void {
    void this.loop();
  }

  private async loop(): Promise<void> {
    const { clock } = this.o;
    await this.cli(); // get_num_devices at start-up
    for (;;) {
      const used = this.o.model.usedBytes;
      const total = this.o.model.totalBytes;
      // df's Use% is rounded up.
      const percent = Math.ceil((used / total) * 100);
      if (percent >= calcThreshold(this.numDevices)) {
        await this.cli(); // get_num_devices
        await this.addSpace(total);
        this.numDevices += 1;
      }
      await sleep(clock, 2000);
    }
  }

  private async addSpace(totalBytes: number): Promise<void> {
    const { clock, random, latencies } = this.o;
    if (this.numDevices >= DEFAULT_LIMITS.maxAttachedVolumes) return;
    if (totalBytes / GIB >= DEFAULT_LIMITS.maxTotalCreatedGiB) return;
    // calc_new_size(NUM_DEVICES): the same steps as core's schedule, counted on tagged volumes.
    const sizeGiB = sizeForAddedVolumes(this.numDevices, DEFAULT_LIMITS);
    await sleep(clock, SCRIPT_OVERHEAD_S * 1000);
    for (let i = 0; i < 5; i += 1) await this.cli(); // describe-tags, 3× describe-volumes, create-volume
    const availableAt = clock.now() + latencies.create(random) * 1000;
    await this.cli(); // the waiter's first DescribeVolumes, in its own CLI process
    for (let attempt = 1; clock.now() < availableAt && attempt < WAITER_MAX_ATTEMPTS; attempt += 1) {
      await sleep(clock, WAITER_DELAY_S * 1000);
      this.ec2Calls += 1;
      await sleep(clock, latencies.api(random) * 1000);
    }
    await sleep(clock, 1000);
    await this.cli(); // attach-volume
    const visibleAt = clock.now() + (latencies.attach(random) + latencies.deviceVisible(random)) * 1000;
    while (clock.now() < visibleAt) await sleep(clock, 1000);
    await this.cli(); // modify-instance-attribute
    const { device } = await this.o.provisioner.provision({ sizeGiB });
    this.volumesCreated += 1;
    await sleep(clock, latencies.fsAdd(random) * 1000);
    await this.o.driver.addDevice(device);
    this.o.model.addCapacity(this.o.host.devices.get(device) ?? 0);
    await sleep(clock, latencies.fsBalance(random) * 1000);
  }

  private async cli(): Promise<void> {
    this.ec2Calls += 1;
    await sleep(this.o.clock, this.o.latencies.cli(this.o.random) * 1000);
  }
}

/** `calc_threshold` of bin/ebs-autoscale: 50% below 4 tagged devices, 80% for 4–6, 90% above. */
export function calcThreshold(numDevices: number): number {
  if (numDevices >= 4 && numDevices <= 6) return 80;
  if (numDevices > 6) return 90;
  return 50;
}
