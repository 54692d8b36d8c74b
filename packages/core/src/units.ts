/** Bytes in one GiB (2^30). EBS sizes are in GiB, filesystems report bytes. */
export const GIB = 1024 ** 3;

/** Bytes in one MiB (2^20). */
export const MIB = 1024 ** 2;

/** Converts whole or fractional GiB to bytes (exact for every size EBS accepts, 1–65536 GiB). */
export function gibToBytes(gib: number): number {
  return gib * GIB;
}

/** Converts bytes to GiB, fractional. `gibToBytes(bytesToGiB(b)) === b` for every safe integer multiple of 1 byte below 2^53. */
export function bytesToGiB(bytes: number): number {
  return bytes / GIB;
}

/** Formats bytes for people: `1.5 GiB`, `300 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}
