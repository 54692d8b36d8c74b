import { bytesToGiB, formatBytes, type StorageAutoscaler } from '@ebs-autoscale/core';
import type { Logger } from 'pino';

/**
 * Logs every autoscaler event as one structured entry. Usage samples are `debug` (one every couple of
 * seconds), with an `info` summary every `summaryIntervalSeconds`, as amazon-ebs-autoscale's
 * `log_interval` did. Returns a function that unsubscribes.
 */
export function logAutoscalerEvents(autoscaler: StorageAutoscaler, logger: Logger, options: { summaryIntervalSeconds?: number } = {}): () => void {
  const summaryMs = (options.summaryIntervalSeconds ?? 600) * 1000;
  let lastSummary = Number.NEGATIVE_INFINITY;
  const subscriptions: [string, (...args: never[]) => void][] = [];
  const on: StorageAutoscaler['on'] = (event, listener) => {
    subscriptions.push([event as string, listener as never]);
    return autoscaler.on(event, listener);
  };
  on('usage:sample', ({ at, usage, worst }) => {
    const fields = {
      event: 'usage:sample',
      totalGiB: round(bytesToGiB(usage.totalBytes)),
      usedGiB: round(bytesToGiB(usage.usedBytes)),
      availableGiB: round(bytesToGiB(usage.availableBytes)),
      worst: worst.kind,
      worstPercent: round(worst.usedPercent),
      gauges: usage.gauges,
    };
    if (at - lastSummary >= summaryMs) {
      lastSummary = at;
      logger.info(fields, 'usage');
    } else logger.debug(fields, 'usage');
  });
  on('threshold:crossed', (e) =>
    logger.info(
      {
        event: 'threshold:crossed',
        direction: e.direction,
        gauge: e.gauge.kind,
        usedPercent: round(e.gauge.usedPercent),
        thresholdPercent: e.thresholdPercent,
      },
      `worst gauge ${e.direction} threshold`,
    ),
  );
  on('decision', (e) => logger.info({ event: 'decision', ...e.decision }, `decision: ${e.decision.action}`));
  on('scale:start', (e) =>
    logger.info({ event: 'scale:start', operationId: e.operationId, sizeGiB: e.sizeGiB, trigger: e.trigger }, `scaling up by ${e.sizeGiB} GiB`),
  );
  on('volume:provisioned', (e) =>
    logger.info(
      { event: 'volume:provisioned', operationId: e.operationId, volumeId: e.volume.volumeId, device: e.volume.device, durationMs: e.durationMs },
      'volume attached',
    ),
  );
  on('device:added', (e) =>
    logger.info(
      { event: 'device:added', operationId: e.operationId, volumeId: e.volumeId, device: e.device, durationMs: e.durationMs },
      'device added to the filesystem',
    ),
  );
  on('scale:complete', (e) =>
    logger.info(
      {
        event: 'scale:complete',
        operationId: e.operationId,
        volumeId: e.volumeId,
        device: e.device,
        sizeGiB: e.sizeGiB,
        beforeGiB: round(bytesToGiB(e.beforeTotalBytes)),
        afterGiB: round(bytesToGiB(e.afterTotalBytes)),
        durationMs: e.durationMs,
      },
      'scale complete',
    ),
  );
  on('scale:failed', (e) =>
    logger.error(
      {
        event: 'scale:failed',
        operationId: e.operationId,
        stage: e.stage,
        err: e.error,
        consecutiveFailures: e.consecutiveFailures,
        retryAt: new Date(e.retryAt).toISOString(),
      },
      `scale failed at ${e.stage}`,
    ),
  );
  on('limit:reached', (e) =>
    logger.warn(
      { event: 'limit:reached', limit: e.limit, worstPercent: round(e.worstPercent), thresholdPercent: e.thresholdPercent },
      `limit reached: ${e.limit}`,
    ),
  );
  on('volume:removed', (e) => {
    const what = {
      released: 'removed from the filesystem and its volume released',
      kept: 'removed from the filesystem; its volume was kept (see volume:kept)',
      cancelled: 'removal cancelled (a fill started); the device stays',
    }[e.outcome];
    logger.info({ event: 'volume:removed', volumeId: e.volumeId, device: e.device, outcome: e.outcome }, `${e.device} (${e.volumeId}): ${what}`);
  });
  on('volume:kept', (e) =>
    logger.warn(
      { event: 'volume:kept', volumeId: e.volumeId, device: e.device ?? null, reason: e.reason, hint: e.hint },
      `kept ${e.volumeId} (${e.reason}), not released: ${e.hint}`,
    ),
  );
  on('mount:read-only', (e) =>
    logger.warn(
      { event: 'mount:read-only', mountPoint: e.mountPoint },
      `${e.mountPoint} is mounted read-only: no scale-up until it is writable again. Check the kernel log (dmesg) for a filesystem error, or whether it was remounted by hand; \`mount -o remount,rw ${e.mountPoint}\` once it is sound.`,
    ),
  );
  on('mount:writable', (e) => logger.info({ event: 'mount:writable', mountPoint: e.mountPoint }, `${e.mountPoint} is writable again; scaling resumes`));
  on('reservation:granted', (e) =>
    logger.info(
      {
        event: 'reservation:granted',
        id: e.reservation.id,
        holder: e.reservation.holder,
        bytes: e.reservation.bytes,
        waitedMs: e.waitedMs,
        availableBytes: e.availableBytes,
        reservedBytes: e.reservedBytes,
      },
      `reservation ${e.reservation.id} of ${formatBytes(e.reservation.bytes)} for ${e.reservation.holder} granted`,
    ),
  );
  on('reservation:released', (e) =>
    logger.info(
      { event: 'reservation:released', id: e.reservation.id, holder: e.reservation.holder, bytes: e.reservation.bytes },
      `reservation ${e.reservation.id} released`,
    ),
  );
  on('reservation:expired', (e) =>
    logger.warn(
      { event: 'reservation:expired', id: e.reservation.id, holder: e.reservation.holder, bytes: e.reservation.bytes, ttlMs: e.reservation.ttlMs },
      `reservation ${e.reservation.id} of ${e.reservation.holder} expired unreleased`,
    ),
  );
  on('reservation:refused', (e) =>
    logger.warn(
      { event: 'reservation:refused', id: e.id, holder: e.holder, bytes: e.bytes, reason: e.reason, limit: e.limit ?? null, err: e.error },
      `reservation ${e.id} of ${formatBytes(e.bytes)} for ${e.holder} refused: ${e.reason}`,
    ),
  );
  on('reclaim:start', (e) =>
    logger.info(
      { event: 'reclaim:start', mode: e.mode, targetBytes: e.targetBytes, budgetMs: e.budgetMs, reclaimers: e.reclaimers },
      `reclaiming ${formatBytes(e.targetBytes)} (${e.mode})`,
    ),
  );
  on('reclaim:done', (e) =>
    logger.info(
      { event: 'reclaim:done', reclaimer: e.reclaimer, bytesFreed: e.bytesFreed, removed: e.removed.length, durationMs: e.durationMs, late: e.late },
      `${e.reclaimer} freed ${formatBytes(e.bytesFreed)} (${e.removed.length} removed)`,
    ),
  );
  on('reclaim:failed', (e) => logger.warn({ event: 'reclaim:failed', reclaimer: e.reclaimer, err: e.error }, `${e.reclaimer} failed to reclaim`));
  on('reclaim:complete', (e) =>
    logger.info(
      { event: 'reclaim:complete', mode: e.mode, targetBytes: e.targetBytes, bytesFreed: e.bytesFreed, durationMs: e.durationMs, timedOut: e.timedOut },
      `reclaim round freed ${formatBytes(e.bytesFreed)} of ${formatBytes(e.targetBytes)}`,
    ),
  );
  on('error', (e) => logger.error({ event: 'error', context: e.context, err: e.error }, e.context));
  return () => {
    for (const [event, listener] of subscriptions) autoscaler.off(event as never, listener as never);
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
