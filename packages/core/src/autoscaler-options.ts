import type { BackoffOptions } from './backoff.js';
import type { Clock } from './clock.js';
import type { FilesystemDriver } from './filesystem-driver.js';
import type { CapacityWaitOptions } from './growth/capacity-wait.js';
import type { ScalingPolicy } from './policy/policy.js';
import type { ReclaimOptions } from './reclaim/reclaim-plan.js';
import type { SpaceReclaimer } from './reclaim/space-reclaimer.js';
import type { RecoveryOptions } from './recovery/recover.js';
import type { ShrinkRule } from './shrink/shrink-decision.js';
import type { VolumeProvisioner } from './volume-provisioner.js';

/** Options of `StorageAutoscaler`. */
export interface StorageAutoscalerOptions {
  /** The filesystem strategy: btrfs, LVM, static ext4, or your own. */
  driver: FilesystemDriver;
  /** The cloud side: EBS, the simulator, or your own. */
  provisioner: VolumeProvisioner;
  /**
   * When and by how much to grow. Default: `createPredictivePolicy()`, which `pnpm bench:policy`
   * measured against the compatibility policy and amazon-ebs-autoscale: no out-of-space event where
   * they had none, at 0.38× the baseline's over-provisioned GiB-hours in total and 0.59× in its worst
   * run (bench/out/policy.md). Pass
   * `createCompatibilityPolicy()` for the bash agent's exact schedule.
   */
  policy?: ScalingPolicy | undefined;
  /** Time and timers. Default: the system clock; inject a `ManualClock` for tests. */
  clock?: Clock | undefined;
  /** How a failed scale is retried. */
  retry?: BackoffOptions | undefined;
  /**
   * Whether a started autoscaler keeps the Node process alive, as a listening server does. Default
   * true: a script that calls `start()` runs until `stop()`. With `false` only an operation in flight
   * holds the process (its waits always do, so it never exits mid-operation); between samples the
   * process may exit, as after a server's `unref()`. For an embedder whose host program decides
   * its own lifetime.
   */
  keepAlive?: boolean | undefined;
  /** How long to wait for the filesystem to report its new capacity after a growth. */
  capacity?: CapacityWaitOptions | undefined;
  /**
   * Crash recovery's options (see `StorageAutoscaler.recover()`): what becomes of owned volumes a
   * crash left outside the filesystem (`orphans`, default `delete`: released when proven unused), and
   * how long to wait for their devices to appear.
   */
  recovery?: RecoveryOptions | undefined;
  /**
   * What frees space without buying a volume (Docker's unused images, a cache), asked in this order
   * when pressure crosses the threshold: before provisioning while the policy's slack allows, beside it
   * when the time to full is short, and alone at a limit. Default none.
   */
  reclaimers?: readonly SpaceReclaimer[] | undefined;
  /** How long a reclaim round may hold back a scale-up, and the pause after one that freed too little. */
  reclaim?: ReclaimOptions | undefined;
  /**
   * Grow the newest owned volume in place (ModifyVolume) before adding one, when the driver can do both
   * (btrfs) and the provisioner can resize (EBS): no attachment slot and no CreateVolume token spent.
   * Default false: such a driver only adds devices. See `HybridGrowthStrategy`.
   */
  hybridGrowth?: boolean | undefined;
  /**
   * Give the newest added device back after a quiet period, by `decideShrink()`'s rule, when the driver
   * has `removeDevice()` (btrfs): removed online, then its volume released once proven unused. Default:
   * never shrink.
   */
  shrink?: ShrinkRule | undefined;
}
