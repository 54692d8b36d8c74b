import { expectTypeOf, test } from 'vitest';
import {
  StorageAutoscaler,
  type AutoscalerEventPayload,
  type KeptReason,
  type KeptVolume,
  type ReconcileReport,
  type LimitKind,
  type ScaleStage,
  type ReservationInfo,
  type RefusalReason,
  type ReclaimMode,
  type Reservation,
} from '../src/index.js';

test('listener payloads are inferred from the event map', () => {
  const autoscaler = {} as StorageAutoscaler;
  autoscaler.on('scale:complete', (event) => {
    expectTypeOf(event.beforeTotalBytes).toBeNumber();
    expectTypeOf(event.afterTotalBytes).toBeNumber();
    expectTypeOf(event.durationMs).toBeNumber();
    expectTypeOf(event.volumeId).toBeString();
  });
  autoscaler.on('scale:failed', (event) => {
    expectTypeOf(event.error).toEqualTypeOf<Error>();
    expectTypeOf(event.stage).toEqualTypeOf<ScaleStage>();
  });
  autoscaler.on('limit:reached', (event) => expectTypeOf(event.limit).toEqualTypeOf<LimitKind>());
  autoscaler.on('volume:kept', (event) => {
    expectTypeOf(event.reason).toEqualTypeOf<KeptReason>();
    expectTypeOf(event.device).toEqualTypeOf<string | undefined>();
    expectTypeOf(event.hint).toBeString();
  });
  autoscaler.on('recovery:complete', (event) => {
    expectTypeOf(event.strays.kept).toEqualTypeOf<KeptVolume[]>();
    expectTypeOf(event.reconcile).toEqualTypeOf<ReconcileReport | undefined>();
    expectTypeOf(event.durationMs).toBeNumber();
  });
  autoscaler.on('reservation:granted', (event) => {
    expectTypeOf(event.reservation).toEqualTypeOf<ReservationInfo>();
    expectTypeOf(event.waitedMs).toBeNumber();
  });
  autoscaler.on('reservation:refused', (event) => {
    expectTypeOf(event.reason).toEqualTypeOf<RefusalReason>();
    expectTypeOf(event.limit).toEqualTypeOf<LimitKind | undefined>();
  });
  autoscaler.on('reservation:expired', (event) => expectTypeOf(event.reservation.expiresAt).toEqualTypeOf<number | undefined>());
  autoscaler.on('reclaim:done', (event) => {
    expectTypeOf(event.bytesFreed).toBeNumber();
    expectTypeOf(event.late).toBeBoolean();
  });
  autoscaler.on('reclaim:complete', (event) => expectTypeOf(event.mode).toEqualTypeOf<ReclaimMode>());
  expectTypeOf(autoscaler.reserve).returns.resolves.toEqualTypeOf<Reservation>();
  expectTypeOf<AutoscalerEventPayload<'usage:sample'>['usage']['gauges'][number]['usedPercent']>().toBeNumber();
  // @ts-expect-error: not an event of the autoscaler
  autoscaler.on('scale:finished', () => undefined);
  // @ts-expect-error: the payload of scale:start has no afterTotalBytes
  autoscaler.on('scale:start', (event) => event.afterTotalBytes);
});
