/** Min, median and max of repeated runs: the spread is reported, not hidden in a mean. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly n: number;
}

/** The spread of `values`; undefined when there are none. The median of an even count is the mean of the middle two. */
export function spread(values: readonly number[]): Spread | undefined {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  // Halves first: (a + b) / 2 overflows to ±Infinity for two values near ±Number.MAX_VALUE.
  const median = sorted.length % 2 === 1 ? sorted[mid]! : sorted[mid - 1]! / 2 + sorted[mid]! / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, n: sorted.length };
}

/** `median (min–max)`, or `–` when nothing was measured. */
export function formatSpread(s: Spread | undefined, digits = 1, unit = ''): string {
  if (!s) return '–';
  const f = (v: number) => `${v.toFixed(digits)}${unit}`;
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}
