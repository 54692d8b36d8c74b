import type { VolumeProvisioner } from '@ebs-autoscale/core';

/** A volume as the cloud reports it, read around the provisioner under test. */
export interface CloudVolume {
  /** The cloud's state: `available`, `in-use`, `creating`, … */
  readonly state: string;
  readonly sizeGiB: number;
  /** Attached to the world's own instance. */
  readonly attachedHere: boolean;
  /** The attachment's DeleteOnTermination; undefined when not attached or not reported. */
  readonly deleteOnTermination: boolean | undefined;
  /** Carries the ownership of the world's provisioner (this instance, this mount point). */
  readonly ownedByProvisioner: boolean;
}

/** What a check asks of the world it runs in: the provisioner under test, and a view of the cloud around it. */
export interface ProvisionerWorld {
  readonly provisioner: VolumeProvisioner;
  /** The cloud's view of one volume; undefined once it is deleted. */
  inspect(volumeId: string): Promise<CloudVolume | undefined>;
  /**
   * Plants a volume this provisioner owns as a crash leaves it: created and never attached
   * (`unattached`), or attached to this instance without DeleteOnTermination.
   */
  plantOwned(kind: 'unattached' | 'attached-without-delete-on-termination'): Promise<string>;
  /** Plants a volume of another mount point of the same instance, unattached. */
  plantForeign(): Promise<string>;
  /**
   * The cloud makes the next created volume but the answer never reaches the provisioner (a dropped
   * connection), which retries. Absent where the world cannot do that.
   */
  loseNextCreateAnswer?(): void;
  /** The cloud refuses the next attach as in an incorrect state (the volume is not ready). */
  failNextAttach(): void;
  /** How many state-changing cloud calls were made since the world was created. */
  mutatingCalls(): Promise<number>;
  /** Tears the world down. */
  close(): Promise<void>;
}

/** How a check wants its world. */
export interface ProvisionerWorldOptions {
  /** What `reconcile()` does with an owned volume left unattached. */
  readonly orphans: 'attach' | 'delete';
  /** Most volumes the provisioner may own; the world's default when absent. */
  readonly maxOwnedVolumes?: number;
}

/** The checks of the provisioner suite, by name: the keys of {@link ProvisionerConformanceOptions.skip}. */
export type ProvisionerCheck =
  | 'provision-attached-owned'
  | 'provision-delete-on-termination'
  | 'provision-idempotent'
  | 'list-owned-only'
  | 'release'
  | 'release-gone-volume'
  | 'release-refuses-foreign'
  | 'resize'
  | 'resize-rate-limit'
  | 'reconcile-deletes-orphan'
  | 'reconcile-attaches-orphan'
  | 'reconcile-repairs-delete-on-termination'
  | 'reconcile-leaves-foreign'
  | 'error-not-found'
  | 'error-incorrect-state'
  | 'error-limit';

/** Options of {@link runProvisionerConformance}. */
export interface ProvisionerConformanceOptions {
  /** The provisioner's name and where it runs, used as the `describe` title. */
  name: string;
  /** Makes a fresh world for one check. */
  createWorld(options: ProvisionerWorldOptions): Promise<ProvisionerWorld>;
  /**
   * Checks left out, each with the reason, which the suite prints: where a cloud emulator is more
   * lenient than the real cloud, say so ("not applicable on moto: it ignores ClientToken").
   */
  skip?: Partial<Record<ProvisionerCheck, string>>;
  /** Per-check timeout, ms. Default 60 000. */
  timeoutMs?: number;
}

/** One check of the suite. */
export interface ProvisionerCheckDefinition {
  readonly name: ProvisionerCheck;
  readonly title: string;
  /** The world it needs; default `{ orphans: 'delete' }`. */
  readonly world?: ProvisionerWorldOptions;
  run(world: ProvisionerWorld): Promise<void>;
}
