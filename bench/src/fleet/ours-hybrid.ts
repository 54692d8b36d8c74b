import { startScaleUp, type OursOptions, type OursSteps } from './ours.js';
import type { AgentRecord, World } from './world.js';

/**
 * Our agent with hybrid growth (core `HybridGrowthStrategy`, `hybridGrowth: true`), one scale-up as the
 * code runs it, every EC2 call through the provider retry of {@link startScaleUp}:
 * 1. `GrowInPlaceStrategy.grow` → `provisioner.list()`: DescribeVolumes (owned, filtered);
 * 2. `EbsProvisioner.resize`: DescribeVolumes by id (`ops.describe`, the ownership check);
 * 3. `resizeVolume`: ModifyVolume, then DescribeVolumesModifications on the `modification` schedule
 *    (`skipFirstDelay`) until `optimizing`;
 * 4. the driver's `growInPlace()`: `btrfs filesystem resize <devid>:max`.
 * Any of those calls giving up on throttling is `THROTTLED`, which the strategy turns into an add
 * (ours.ts's path, from its limit checks on). A modification that never reaches `optimizing` within the
 * schedule's timeout fails the scale-up; the next attempt lists the volume larger and adopts it
 * (`listed.sizeGiB > target.sizeGiB`: no second ModifyVolume). Each agent's one scale-up is its
 * initial volume's first modification, so EBS's modification rule never refuses it here.
 */
export function startOursHybrid(world: World, agent: AgentRecord, options: OursOptions = {}): void {
  const { queue, latencies, random } = world;
  /** When the accepted modification reaches `optimizing`; undefined until EBS accepted one. */
  let optimizingAt: number | undefined;
  // The capacity wait regrows until the new size reaches the kernel, at `optimizing`.
  const grow = (ours: OursSteps) => queue.after(Math.max(0, (optimizingAt ?? queue.now) - queue.now) + latencies.fsResize(random), () => ours.done());
  const fallBack = (ours: OursSteps) => {
    agent.fellBack += 1;
    ours.addDevice();
  };
  const modify = (ours: OursSteps) =>
    ours.call(
      'ModifyVolume',
      () => {
        optimizingAt = queue.now + latencies.modify(random);
        poll(ours, optimizingAt);
      },
      () => fallBack(ours),
    );
  const poll = (ours: OursSteps, at: number) =>
    ours.wait(
      ours.schedules.modification,
      () => queue.now >= at,
      () => grow(ours),
      ours.scaleFailed,
      {
        ec2: 'DescribeVolumesModifications',
        skipFirstDelay: true,
        gaveUp: () => {
          agent.unusedModifications += 1;
          fallBack(ours);
        },
      },
    );
  const scale = (ours: OursSteps) =>
    ours.call(
      'DescribeVolumes',
      // A modification accepted earlier shows as a larger size in the listing: grow onto it.
      () =>
        optimizingAt !== undefined
          ? grow(ours)
          : ours.call(
              'DescribeVolumes',
              () => modify(ours),
              () => fallBack(ours),
            ),
      () => fallBack(ours),
    );
  startScaleUp(world, agent, options, scale);
}
