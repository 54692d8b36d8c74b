import type { Clock, TimerHandle } from '@ebs-autoscale/core';
import type { Sequenced } from './pagination.js';

/** EC2's volume states. */
export type SimVolumeState = 'creating' | 'available' | 'in-use' | 'deleting' | 'deleted' | 'error';
/** EC2's attachment states. */
export type SimAttachmentState = 'attaching' | 'attached' | 'detaching';
/** EC2's modification states. */
export type SimModificationState = 'modifying' | 'optimizing' | 'completed' | 'failed';

export interface AttachmentRecord {
  instanceId: string;
  device: string;
  state: SimAttachmentState;
  attachTime: Date;
  deleteOnTermination: boolean;
}

export interface ModificationRecord {
  state: SimModificationState;
  startTime: Date;
  endTime?: Date | undefined;
  progress: number;
  originalSize: number;
  targetSize: number;
  originalVolumeType: string;
  targetVolumeType: string;
  originalIops?: number | undefined;
  targetIops?: number | undefined;
  originalThroughput?: number | undefined;
  targetThroughput?: number | undefined;
}

export interface VolumeRecord extends Sequenced {
  readonly id: string;
  readonly region: string;
  readonly availabilityZone: string;
  readonly createTime: Date;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string | undefined;
  sizeGiB: number;
  volumeType: string;
  iops?: number | undefined;
  throughput?: number | undefined;
  state: SimVolumeState;
  attachment?: AttachmentRecord | undefined;
  modifications: ModificationRecord[];
  /** The sandbox device path once the backing has materialised it. */
  device?: string | undefined;
  loopDevice?: string | undefined;
  backingError?: string | undefined;
  /** True for the instance's root volume, which has no backing device. */
  readonly root: boolean;
}

/** A read-only snapshot of one attachment, for test assertions. */
export interface SimAttachmentView {
  readonly instanceId: string;
  readonly device: string;
  readonly state: SimAttachmentState;
  readonly deleteOnTermination: boolean;
}

/** A read-only snapshot of one volume, for test assertions. */
export interface SimVolumeView {
  readonly volumeId: string;
  readonly region: string;
  readonly availabilityZone: string;
  readonly sizeGiB: number;
  readonly volumeType: string;
  readonly state: SimVolumeState;
  readonly attachment?: SimAttachmentView | undefined;
  readonly tags: Readonly<Record<string, string>>;
  /** The sandbox device path (`<devRoot>/nvmeNn1`) once materialised by the loop backing. */
  readonly device?: string | undefined;
  /** The real `/dev/loopK` behind it. */
  readonly loopDevice?: string | undefined;
  /** Why the backing failed to materialise the device, if it did. */
  readonly backingError?: string | undefined;
}

/** Timers of state transitions, all on the injected clock and all cancelled on close. */
export class Scheduler {
  private readonly handles = new Set<TimerHandle>();
  private closed = false;

  constructor(readonly clock: Clock) {}

  after(ms: number, action: () => void): void {
    if (this.closed) return;
    const handle = this.clock.setTimeout(
      () => {
        this.handles.delete(handle);
        if (!this.closed) action();
      },
      Math.max(0, Math.round(ms)),
    );
    this.handles.add(handle);
  }

  close(): void {
    this.closed = true;
    for (const handle of this.handles) this.clock.clearTimeout(handle);
    this.handles.clear();
  }
}

/** Resource ids shaped like EC2's: a prefix and 17 hex digits. */
export function newResourceId(prefix: string, random: () => number): string {
  let hex = '';
  for (let i = 0; i < 17; i += 1) hex += Math.floor(random() * 16).toString(16);
  return `${prefix}-${hex}`;
}
