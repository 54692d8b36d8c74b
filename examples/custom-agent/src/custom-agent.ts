import { StorageAutoscaler, formatBytes, type Clock, type FilesystemDriver, type VolumeProvisioner } from '@ebs-autoscale/core';

/** What the agent tells its operator: here a list of lines; in production a webhook, a queue, a pager. */
export interface Notifier {
  notify(line: string): void;
}

/**
 * A custom agent built on the SDK: it grows the disk, and reacts to what the autoscaler does —
 * it pauses the job queue while a scale is failing or a limit is reached, and reports every scale-up.
 */
export class CustomAgent {
  readonly autoscaler: StorageAutoscaler;
  /** Whether new jobs may be started on this host. */
  acceptingJobs = true;

  constructor(options: { driver: FilesystemDriver; provisioner: VolumeProvisioner; clock?: Clock; notifier: Notifier }) {
    const { notifier } = options;
    this.autoscaler = new StorageAutoscaler({ driver: options.driver, provisioner: options.provisioner, clock: options.clock });
    this.autoscaler.on('scale:complete', (e) => {
      this.acceptingJobs = true;
      notifier.notify(`grew ${formatBytes(e.beforeTotalBytes)} -> ${formatBytes(e.afterTotalBytes)} (+${e.sizeGiB} GiB, ${e.volumeId}) in ${e.durationMs} ms`);
    });
    this.autoscaler.on('scale:failed', (e) => {
      this.acceptingJobs = false;
      notifier.notify(`scale failed at ${e.stage} (${e.consecutiveFailures}x): ${e.error.message}; jobs paused`);
    });
    this.autoscaler.on('limit:reached', (e) => {
      this.acceptingJobs = false;
      notifier.notify(`limit ${e.limit} reached at ${e.worstPercent.toFixed(0)}% full; jobs paused`);
    });
  }

  start(): void {
    this.autoscaler.start();
  }

  stop(): Promise<void> {
    return this.autoscaler.stop();
  }
}
