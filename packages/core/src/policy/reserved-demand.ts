import { clampPercent } from '../usage.js';
import type { UsageSample } from './policy.js';

/**
 * The sample as the policy must see it when `reservedBytes` are promised to reservations
 * (`StorageAutoscaler.reserve()`): those bytes are demand that has not been written yet, so they
 * count as used and not as free. The bytes gauge is recomputed from what is left free, so a
 * reservation larger than the free space reads as a full filesystem (100 %) and triggers a scale-up
 * at any threshold. The fill rate is not touched: a reservation is demand, not a write, and the
 * policy's rate estimates keep reading the raw samples.
 */
export function withReservedDemand(sample: UsageSample, reservedBytes = 0): UsageSample {
  if (!(reservedBytes > 0)) return sample;
  const availableBytes = sample.availableBytes - reservedBytes;
  const reservedPercent = sample.totalBytes > 0 ? clampPercent(((sample.totalBytes - availableBytes) / sample.totalBytes) * 100) : 100;
  const worse = reservedPercent > sample.worstPercent;
  return {
    ...sample,
    usedBytes: sample.usedBytes + reservedBytes,
    availableBytes,
    worstPercent: worse ? reservedPercent : sample.worstPercent,
    ...(worse ? { worstKind: 'bytes' } : {}),
  };
}
