import { sleep, systemClock, type Clock } from '../clock.js';
import { ProvisionerError } from '../errors.js';
import { GIB } from '../units.js';
import type { OwnedVolume, ProvisionedVolume, ProvisionRequest, ReconcileReport, VolumeProvisioner } from '../volume-provisioner.js';
import type { MemoryHost } from './memory-host.js';

/** Options of {@link InMemoryProvisioner}. */
export interface InMemoryProvisionerOptions {
  host: MemoryHost;
  /** Time a provision takes, ms (on `clock`). Default 0. */
  latencyMs?: number;
  /**
   * How long after resize() returns the device shows its new size, ms (on `clock`). Default 0. EBS
   * reports a modification before the guest's kernel sees the larger NVMe device.
   */
  resizeVisibleAfterMs?: number;
  clock?: Clock;
  /** What `reconcile()` does with an owned volume left unattached. Default `delete`, as the EBS provisioner's. */
  orphans?: 'attach' | 'delete';
  /** Most volumes this provisioner may own; a provision past it is refused with LIMIT_REACHED before anything changes. Default unlimited. */
  maxOwnedVolumes?: number;
}

/** A volume of the in-memory cloud: this provisioner's, or another mount point's (`foreign`). */
interface MemoryVolume {
  readonly volumeId: string;
  sizeGiB: number;
  /** `in-use` (attached here, `device` set) or `available` (attached nowhere). */
  state: 'in-use' | 'available';
  device?: string;
  deleteOnTermination?: boolean;
  readonly foreign: boolean;
}

/** A volume as the in-memory cloud sees it, for tests that look around the provisioner. */
export interface MemoryCloudVolume {
  readonly volumeId: string;
  readonly sizeGiB: number;
  readonly state: 'in-use' | 'available';
  readonly device?: string;
  readonly deleteOnTermination?: boolean;
  /** Another mount point's volume, which this provisioner must neither list nor touch. */
  readonly foreign: boolean;
}

/**
 * A provisioner that keeps its volumes in memory and makes their devices appear on a {@link MemoryHost}.
 * It behaves as a small cloud: volumes of another mount point (`plant({ foreign: true })`) are neither
 * listed nor released, `reconcile()` repairs what `plant()` leaves as a crash would, a release of a
 * volume already gone resolves, and `maxOwnedVolumes` is refused before anything changes. It runs
 * testkit's provisioner conformance suite. `failNext()` queues errors for the next calls of
 * `provision()`; `calls` counts every call, and `mutations` every change of state.
 */
export class InMemoryProvisioner implements VolumeProvisioner {
  readonly name = 'memory';
  private readonly host: MemoryHost;
  private readonly latencyMs: number;
  private readonly resizeVisibleAfterMs: number;
  private readonly clock: Clock;
  private readonly orphans: 'attach' | 'delete';
  private readonly maxOwnedVolumes: number;
  private readonly volumes = new Map<string, MemoryVolume>();
  private failures: Error[] = [];
  private resizeWaitFailures: Error[] = [];
  private nextId = 1;
  private devicesHidden = false;
  /** How many times each method ran. */
  readonly calls = { provision: 0, release: 0, list: 0, resize: 0 };
  /** How many changes of state (volume created, attached, deleted, resized, DeleteOnTermination set) were made. */
  mutations = 0;

  constructor(options: InMemoryProvisionerOptions) {
    this.host = options.host;
    this.latencyMs = options.latencyMs ?? 0;
    this.resizeVisibleAfterMs = options.resizeVisibleAfterMs ?? 0;
    this.clock = options.clock ?? systemClock;
    this.orphans = options.orphans ?? 'delete';
    this.maxOwnedVolumes = options.maxOwnedVolumes ?? Number.POSITIVE_INFINITY;
  }

  async provision(request: ProvisionRequest): Promise<ProvisionedVolume> {
    this.calls.provision += 1;
    if (!(request.sizeGiB >= 1)) {
      throw new ProvisionerError(this.name, 'INVALID_ARGUMENT', `sizeGiB must be at least 1, got ${request.sizeGiB}.`);
    }
    const owned = this.owned().length;
    if (owned >= this.maxOwnedVolumes) {
      throw new ProvisionerError(
        this.name,
        'LIMIT_REACHED',
        `Limit maxOwnedVolumes reached: this provisioner owns ${owned} volumes, at most ${this.maxOwnedVolumes}.`,
        {
          hint: 'Raise maxOwnedVolumes, or release a volume first.',
        },
      );
    }
    if (this.latencyMs > 0) await sleep(this.clock, this.latencyMs, request.signal);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const volumeId = this.newId();
    const device = this.host.attach(request.sizeGiB * GIB);
    this.volumes.set(volumeId, { volumeId, sizeGiB: request.sizeGiB, state: 'in-use', device, deleteOnTermination: true, foreign: false });
    this.mutations += 1;
    return { volumeId, device, sizeGiB: request.sizeGiB };
  }

  async release(volumeId: string): Promise<void> {
    this.calls.release += 1;
    const volume = this.volumes.get(volumeId);
    // Gone already: a release interrupted after its delete can be run again.
    if (!volume) return;
    if (volume.foreign) throw new ProvisionerError(this.name, 'INVALID_ARGUMENT', `${volumeId} is not a volume this agent owns.`, { volumeId });
    if (volume.device) this.host.detach(volume.device);
    this.volumes.delete(volumeId);
    this.mutations += 1;
  }

  async list(): Promise<OwnedVolume[]> {
    this.calls.list += 1;
    return this.owned().map(({ volumeId, sizeGiB, state, device, deleteOnTermination }) => ({
      volumeId,
      sizeGiB,
      state,
      ...(device && !this.devicesHidden ? { device } : {}),
      ...(deleteOnTermination !== undefined ? { deleteOnTermination } : {}),
    }));
  }

  /**
   * Attaches an owned volume left unattached, or deletes it (`orphans`), and sets DeleteOnTermination
   * on an owned attachment without it; another mount point's volumes are left alone.
   */
  async reconcile(): Promise<ReconcileReport> {
    const report = { attached: [] as string[], deleted: [] as string[], deleteOnTerminationSet: [] as string[] };
    for (const volume of this.owned()) {
      if (volume.state === 'available') {
        if (this.orphans === 'attach') {
          volume.device = this.host.attach(volume.sizeGiB * GIB);
          volume.state = 'in-use';
          volume.deleteOnTermination = true;
          report.attached.push(volume.volumeId);
        } else {
          this.volumes.delete(volume.volumeId);
          report.deleted.push(volume.volumeId);
        }
        this.mutations += 1;
      } else if (volume.deleteOnTermination !== true) {
        volume.deleteOnTermination = true;
        report.deleteOnTerminationSet.push(volume.volumeId);
        this.mutations += 1;
      }
    }
    return report;
  }

  async resize(volumeId: string, sizeGiB: number): Promise<void> {
    this.calls.resize += 1;
    const volume = this.volumes.get(volumeId);
    if (!volume || volume.foreign) throw new ProvisionerError(this.name, 'INVALID_ARGUMENT', `${volumeId} is not a volume this agent owns.`, { volumeId });
    if (sizeGiB <= volume.sizeGiB)
      throw new ProvisionerError(this.name, 'INVALID_ARGUMENT', `A volume can only grow: ${volumeId} is ${volume.sizeGiB} GiB.`, { volumeId });
    volume.sizeGiB = sizeGiB;
    this.mutations += 1;
    const { device } = volume;
    // Not onto a device released meanwhile.
    const show = () => void (this.volumes.has(volumeId) && device && this.host.devices.set(device, sizeGiB * GIB));
    if (this.resizeVisibleAfterMs > 0) this.clock.setTimeout(show, this.resizeVisibleAfterMs);
    else show();
    const failure = this.resizeWaitFailures.shift();
    if (failure) throw failure;
  }

  /** Makes an existing device (e.g. a driver's initial one) a volume this provisioner owns, for in-place growth. */
  adopt(device: string, sizeGiB: number): string {
    const volumeId = this.newId();
    this.volumes.set(volumeId, { volumeId, sizeGiB, state: 'in-use', device, deleteOnTermination: true, foreign: false });
    return volumeId;
  }

  /**
   * Puts a volume in the cloud as something else left it: an owned one a crash left `available`
   * (created, never attached) or `in-use` without DeleteOnTermination, or another mount point's
   * (`foreign`). An `in-use` one gets a device on the host.
   */
  plant(volume: { state: 'in-use' | 'available'; deleteOnTermination?: boolean; foreign?: boolean; sizeGiB?: number }): string {
    const volumeId = this.newId();
    const sizeGiB = volume.sizeGiB ?? 1;
    const attached = volume.state === 'in-use';
    this.volumes.set(volumeId, {
      volumeId,
      sizeGiB,
      state: volume.state,
      foreign: volume.foreign ?? false,
      ...(attached ? { device: this.host.attach(sizeGiB * GIB), deleteOnTermination: volume.deleteOnTermination ?? false } : {}),
    });
    return volumeId;
  }

  /** The cloud's view of one volume, owned or not; undefined once deleted. */
  inspect(volumeId: string): MemoryCloudVolume | undefined {
    const volume = this.volumes.get(volumeId);
    return volume ? { ...volume } : undefined;
  }

  /** From now on `list()` reports no device for any volume: a host whose /dev lacks the nodes (a container's own /dev, udev lagging). */
  hideDevices(hidden = true): void {
    this.devicesHidden = hidden;
  }

  private owned(): MemoryVolume[] {
    return [...this.volumes.values()].filter((volume) => !volume.foreign);
  }

  private newId(): string {
    return `vol-mem${String(this.nextId++).padStart(13, '0')}`;
  }

  /** The next `provision()` calls throw these, in order. */
  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  /**
   * The next `resize()` calls enlarge the volume and then throw these, in order: EBS accepted the
   * modification, and waiting for it failed (throttled, timed out).
   */
  failNextResizeWait(...errors: Error[]): void {
    this.resizeWaitFailures.push(...errors);
  }
}
