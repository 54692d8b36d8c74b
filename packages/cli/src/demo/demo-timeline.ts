import { formatBytes, type StorageAutoscaler } from '@ebs-autoscale/core';

/** One finished scale-up, split into the EC2 part and the filesystem part. */
export interface DemoScaleUp {
  readonly sizeGiB: number;
  /** Decision to grown filesystem, ms. */
  readonly durationMs: number;
  /** Of which create, attach and device discovery (the provisioner, polling included), ms. */
  readonly provisionMs: number;
  readonly beforeTotalBytes: number;
  readonly afterTotalBytes: number;
}

/** One line of the live event list. */
export interface DemoEvent {
  /** Seconds since the fill started. */
  readonly atSeconds: number;
  readonly text: string;
}

/**
 * Listens to the autoscaler and keeps what the demo shows: an event list as things happen, and the
 * finished scale-ups for the summary. Listening until the agent has stopped matters: a scale-up in
 * flight when the fill ends completes during `stop()`, and must still be counted.
 */
export class DemoTimeline {
  readonly events: DemoEvent[] = [];
  readonly scaleUps: DemoScaleUp[] = [];
  private readonly provisionMs = new Map<number, number>();

  constructor(
    autoscaler: StorageAutoscaler,
    private readonly startedAt: number,
    private readonly onEvent: (event: DemoEvent) => void = () => undefined,
  ) {
    autoscaler.on('scale:start', (e) => {
      const used = e.before.totalBytes - e.before.availableBytes;
      this.add(e.at, `scale-up ${e.operationId}: +${e.sizeGiB} GiB requested (${e.trigger}; ${formatBytes(used)} of ${formatBytes(e.before.totalBytes)} used)`);
    });
    autoscaler.on('volume:provisioned', (e) => this.provisionMs.set(e.operationId, e.durationMs));
    autoscaler.on('scale:complete', (e) => {
      const provisionMs = this.provisionMs.get(e.operationId) ?? e.durationMs;
      this.scaleUps.push({
        sizeGiB: e.sizeGiB,
        durationMs: e.durationMs,
        provisionMs,
        beforeTotalBytes: e.beforeTotalBytes,
        afterTotalBytes: e.afterTotalBytes,
      });
      this.add(
        e.at,
        `scale-up ${e.operationId}: done in ${seconds(e.durationMs)} (EC2 ${seconds(provisionMs)}, btrfs ${seconds(e.durationMs - provisionMs)}), ${formatBytes(e.beforeTotalBytes)} → ${formatBytes(e.afterTotalBytes)}`,
      );
    });
    autoscaler.on('scale:failed', (e) => this.add(e.at, `scale-up ${e.operationId} failed at ${e.stage}: ${e.error.message}`));
    autoscaler.on('limit:reached', (e) => this.add(e.at, `limit reached: ${e.limit}`));
  }

  private add(at: number, text: string): void {
    const event = { atSeconds: Math.max(0, (at - this.startedAt) / 1000), text };
    this.events.push(event);
    this.onEvent(event);
  }
}

/** `2.4 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
