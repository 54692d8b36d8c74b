/** What the autoscaler asks a provisioner for. */
export interface ProvisionRequest {
  /** Size of the new volume in GiB. */
  readonly sizeGiB: number;
  /** Aborts waiting (not an EC2 call already sent); the provisioner cleans up what it created. */
  readonly signal?: AbortSignal;
}

/** A volume that is created, attached, and visible as a block device. */
export interface ProvisionedVolume {
  /** The cloud's id, e.g. `vol-0abc…`. */
  readonly volumeId: string;
  /** The block device path on this host, e.g. `/dev/nvme2n1`. */
  readonly device: string;
  readonly sizeGiB: number;
}

/** A volume this agent owns, as `list()` reports it. */
export interface OwnedVolume {
  readonly volumeId: string;
  readonly sizeGiB: number;
  /** The cloud's state: `creating`, `available`, `in-use`, `deleting`, `error`, … */
  readonly state: string;
  /** The block device path on this host when attached and discovered. */
  readonly device?: string;
  /** Whether the volume is deleted with the instance. */
  readonly deleteOnTermination?: boolean;
}

/** What `reconcile()` found and did. */
export interface ReconcileReport {
  readonly attached: string[];
  readonly deleted: string[];
  readonly deleteOnTerminationSet: string[];
}

/**
 * The cloud side: creates, attaches, lists and releases block volumes. The EBS implementation is
 * `@ebs-autoscale/provisioner-ebs`; an in-memory one is in `@ebs-autoscale/core/testing`.
 *
 * The contract: `provision()` either returns an attached, visible volume that is deleted with the
 * instance, or throws a {@link ProvisionerError} having cleaned up what it created; limits are checked
 * before any mutating call.
 */
export interface VolumeProvisioner {
  /** A short name for logs and errors, e.g. `ebs`. */
  readonly name: string;
  /** Creates, attaches and discovers a new volume. */
  provision(request: ProvisionRequest): Promise<ProvisionedVolume>;
  /** Detaches and deletes a volume this agent owns (after the driver has let go of its device). */
  release(volumeId: string): Promise<void>;
  /** The volumes this agent owns. */
  list(): Promise<OwnedVolume[]>;
  /** Grows a volume in place. Optional: only some clouds can (EBS ModifyVolume). */
  resize?(volumeId: string, sizeGiB: number): Promise<void>;
  /** Repairs what a crash left behind: unattached volumes, missing DeleteOnTermination. Run at start-up. */
  reconcile?(): Promise<ReconcileReport>;
}
