// Binary units (KiB, K) are powers of 1024, as EBS sizes and `df -h` are; decimal ones (KB) powers of
// 1000, as coreutils reads them. A job that knows "300 GB" of input then gets what it means.
const UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  K: 2 ** 10,
  KiB: 2 ** 10,
  KB: 1e3,
  M: 2 ** 20,
  MiB: 2 ** 20,
  MB: 1e6,
  G: 2 ** 30,
  GiB: 2 ** 30,
  GB: 1e9,
  T: 2 ** 40,
  TiB: 2 ** 40,
  TB: 1e12,
};
// Case does not matter: `gib`, `GIB` and `GiB` are one unit, and `gb` stays decimal.
const UNITS_BY_LOWER_CASE = new Map(Object.entries(UNITS).map(([unit, bytes]) => [unit.toLowerCase(), bytes]));

/**
 * Reads a size such as `300GiB`, `1.5T`, `500 GB` or `1073741824` into whole bytes (rounded up), or
 * undefined when the text is not one.
 */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const unit = UNITS_BY_LOWER_CASE.get(match[2]!.toLowerCase());
  if (unit === undefined) return undefined;
  const bytes = Math.ceil(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
