import type { StorageAutoscaler } from '@ebs-autoscale/core';

/**
 * What the agent's reservation API needs of the autoscaler (issue 16, part 1): a test may serve an
 * autoscaler on core's in-memory host, the agent serves its own.
 */
export type ReservationHost = Pick<StorageAutoscaler, 'reserve' | 'releaseReservation' | 'reservations'>;
