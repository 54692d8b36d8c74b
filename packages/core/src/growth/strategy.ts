import type { ScaleStage } from '../events.js';
import type { FilesystemDriver } from '../filesystem-driver.js';
import type { Inventory } from '../inventory.js';
import type { KeptVolume } from '../release-guard.js';
import type { UsageSnapshot } from '../usage.js';
import type { ProvisionedVolume, VolumeProvisioner } from '../volume-provisioner.js';
import type { CapacityWait, GrowthTarget } from './capacity-wait.js';

/** What a strategy works with, shared with the loop for the autoscaler's life. */
export interface GrowthContext {
  readonly driver: FilesystemDriver;
  readonly provisioner: VolumeProvisioner;
  /** The devices and owned volumes; a strategy records what it changed. */
  readonly inventory: Inventory;
  /** The confirm step's rule (what counts as grown), for a strategy that settles a growth itself. */
  readonly capacity: CapacityWait;
  /** Records a volume kept although it was up for release, and emits `volume:kept`. */
  keep(kept: KeptVolume): void;
  /** Emits an `error` event for a problem the loop goes on after. */
  reportError(error: unknown, context: string): void;
}

/** One scale-up the policy asked for, as the loop hands it to the strategy. */
export interface GrowthRequest {
  readonly operationId: number;
  /** The policy's size, GiB. */
  readonly sizeGiB: number;
  /** The sample the decision was made on. */
  readonly before: UsageSnapshot;
  /** Aborted by `stop({ abandon: true })`. */
  readonly signal: AbortSignal;
  /** Names the step now running, so a failure reports its stage. */
  stage(stage: ScaleStage): void;
  /** Emits `volume:provisioned` for a volume the provisioner just returned. */
  provisioned(volume: ProvisionedVolume): void;
}

/** What a strategy grew, for the loop's confirm step and its events. */
export interface Growth extends GrowthTarget {
  readonly volumeId: string;
  readonly device: string;
  /** Run before each capacity poll after the first, when the new space can reach the filesystem late. */
  readonly regrow?: () => Promise<void>;
}

/**
 * One way to give the filesystem more space, chosen once per autoscaler by `chooseGrowth()`. The
 * loop runs sample → decide → `grow()` → confirm (the capacity wait) → emit; a strategy holds only
 * what its own way needs between attempts (grow-in-place: the growth EBS accepted but the filesystem
 * has not shown yet).
 *
 * `HybridGrowthStrategy` (hybrid.ts) composes the two others and decides per request: the newest
 * owned volume in place, else a new device. Removing a device (shrink) is the other direction: the
 * decision is `decideShrink()` (shrink/), the capability the driver's `removeDevice?()`.
 */
export interface GrowthStrategy {
  /** For logs and tests: `add-device`, `grow-in-place`, `hybrid`. */
  readonly name: string;
  /** Start-up's last recovery step: finish what an earlier run paid for but did not finish. */
  recover?(): Promise<void>;
  /** Before each sample: finish what an earlier attempt paid for, whatever the policy decides now. */
  resume?(): Promise<void>;
  /** Grows by about `request.sizeGiB`; throws (after cleaning up what it created) on failure. */
  grow(request: GrowthRequest): Promise<Growth>;
  /** The confirm step saw the growth's capacity. */
  confirmed?(growth: Growth): void;
}
