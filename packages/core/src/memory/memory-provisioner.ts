import { sleep, systemClock, type Clock } from '../clock.js';
import { ProvisionerError } from '../errors.js';
import { GIB } from '../units.js';
import type { OwnedVolume, ProvisionedVolume, ProvisionRequest, VolumeProvisioner } from '../volume-provisioner.js';
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
}

/**
 * A provisioner that keeps its volumes in memory and makes their devices appear on a {@link MemoryHost}.
 * `failNext()` queues errors for the next calls of `provision()`; `calls` counts every call.
 */
export class InMemoryProvisioner implements VolumeProvisioner {
  readonly name = 'memory';
  private readonly host: MemoryHost;
  private readonly latencyMs: number;
  private readonly resizeVisibleAfterMs: number;
  private readonly clock: Clock;
  private readonly volumes = new Map<string, OwnedVolume & { device: string }>();
  private failures: Error[] = [];
  private resizeWaitFailures: Error[] = [];
  private nextId = 1;
  private devicesHidden = false;
  /** How many times each method ran. */
  readonly calls = { provision: 0, release: 0, list: 0, resize: 0 };

  constructor(options: InMemoryProvisionerOptions) {
    this.host = options.host;
    this.latencyMs = options.latencyMs ?? 0;
    this.resizeVisibleAfterMs = options.resizeVisibleAfterMs ?? 0;
    this.clock = options.clock ?? systemClock;
  }

  async provision(request: ProvisionRequest): Promise<ProvisionedVolume> {
    this.calls.provision += 1;
    if (!(request.sizeGiB >= 1)) {
      throw new ProvisionerError(this.name, 'INVALID_ARGUMENT', `sizeGiB must be at least 1, got ${request.sizeGiB}.`);
    }
    if (this.latencyMs > 0) await sleep(this.clock, this.latencyMs, request.signal);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const volumeId = `vol-mem${String(this.nextId++).padStart(13, '0')}`;
    const device = this.host.attach(request.sizeGiB * GIB);
    this.volumes.set(volumeId, { volumeId, sizeGiB: request.sizeGiB, state: 'in-use', device, deleteOnTermination: true });
    return { volumeId, device, sizeGiB: request.sizeGiB };
  }

  async release(volumeId: string): Promise<void> {
    this.calls.release += 1;
    const volume = this.volumes.get(volumeId);
    if (!volume) throw new ProvisionerError(this.name, 'INVALID_ARGUMENT', `${volumeId} is not a volume this agent owns.`, { volumeId });
    this.host.detach(volume.device);
    this.volumes.delete(volumeId);
  }

  async list(): Promise<OwnedVolume[]> {
    this.calls.list += 1;
    return [...this.volumes.values()].map(({ device, ...volume }) => (this.devicesHidden ? volume : { ...volume, device }));
  }

  async resize(volumeId: string, sizeGiB: number): Promise<void> {
    this.calls.resize += 1;
    const volume = this.volumes.get(volumeId);
    if (!volume) throw new ProvisionerError(this.name, 'INVALID_ARGUMENT', `${volumeId} is not a volume this agent owns.`, { volumeId });
    if (sizeGiB <= volume.sizeGiB) throw new ProvisionerError(this.name, 'INVALID_ARGUMENT', `A volume can only grow: ${volumeId} is ${volume.sizeGiB} GiB.`, { volumeId });
    this.volumes.set(volumeId, { ...volume, sizeGiB });
    // Not onto a device released meanwhile.
    const show = () => void (this.volumes.has(volumeId) && this.host.devices.set(volume.device, sizeGiB * GIB));
    if (this.resizeVisibleAfterMs > 0) this.clock.setTimeout(show, this.resizeVisibleAfterMs);
    else show();
    const failure = this.resizeWaitFailures.shift();
    if (failure) throw failure;
  }

  /** Makes an existing device (e.g. a driver's initial one) a volume this provisioner owns, for in-place growth. */
  adopt(device: string, sizeGiB: number): string {
    const volumeId = `vol-mem${String(this.nextId++).padStart(13, '0')}`;
    this.volumes.set(volumeId, { volumeId, sizeGiB, state: 'in-use', device, deleteOnTermination: true });
    return volumeId;
  }

  /** From now on `list()` reports no device for any volume: a host whose /dev lacks the nodes (a container's own /dev, udev lagging). */
  hideDevices(hidden = true): void {
    this.devicesHidden = hidden;
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
