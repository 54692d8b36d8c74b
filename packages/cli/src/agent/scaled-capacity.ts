import { GIB, type CapacityWaitOptions } from '@ebs-autoscale/core';

/**
 * The autoscaler's capacity wait for volumes scaled down by the loop-backed simulator, where one
 * "GiB" is `bytesPerGiB` real bytes: it counts a scale-up as done once half the added size shows
 * (as it does on EC2), in real bytes, polled often because small devices grow within a second; and a
 * shrink counts a device as `bytesPerGiB` real bytes per GiB.
 */
export function scaledCapacity(bytesPerGiB: number): CapacityWaitOptions {
  return { pollMs: 250, timeoutMs: 60_000, minGrowthRatio: (0.5 * bytesPerGiB) / GIB, bytesPerGiB };
}

/** Parses `--bytes-per-gib`: a whole number of bytes, or with a `KiB`/`MiB`/`GiB` suffix (`128MiB`). */
export function parseBytesPerGiB(raw: string): number | undefined {
  const match = /^(\d+)\s*(KiB|MiB|GiB)?$/i.exec(raw.trim());
  if (!match) return undefined;
  const unit = { kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }[(match[2] ?? '').toLowerCase() as 'kib' | 'mib' | 'gib'] ?? 1;
  const bytes = Number(match[1]) * unit;
  // A loop device needs whole 512-byte sectors, and below 1 MiB per GiB no filesystem fits on a volume.
  return bytes >= 1024 * 1024 && bytes <= GIB && bytes % 512 === 0 ? bytes : undefined;
}
