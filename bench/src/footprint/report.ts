import { markdownTable } from '../report/table.js';

/** A measure of the table: the previous figure, the target, and how to show a value. */
export interface Measure {
  readonly key: 'helpSeconds' | 'helpRss' | 'idleRss' | 'peakRss' | 'idleAnon' | 'cpuSeconds';
  readonly label: string;
  readonly previous: string;
  /** Undefined for a row that explains the others (no target in the issue). */
  readonly target: number | undefined;
  readonly format: (value: number) => string;
}

const MB = 1e6;
const MIB = 1024 * 1024;

/** Issue 13's figures, measured before this work on this machine, and its targets, in its units. */
export const MEASURES: readonly Measure[] = [
  { key: 'helpSeconds', label: '`--help` wall', previous: '0.9–1.3 s', target: 0.15, format: (s) => `${s.toFixed(2)} s` },
  { key: 'helpRss', label: '`--help` peak RSS', previous: '150 MB', target: 60 * MB, format: (b) => `${(b / MB).toFixed(0)} MB` },
  { key: 'idleRss', label: 'idle agent RSS', previous: '103 MiB', target: 55 * MIB, format: (b) => `${(b / MIB).toFixed(0)} MiB` },
  { key: 'peakRss', label: 'peak RSS while scaling', previous: '175–196 MiB', target: 70 * MIB, format: (b) => `${(b / MIB).toFixed(0)} MiB` },
  // Of the idle RSS, what is not pages of mapped files (mostly the node binary's own, about 36 MiB for a bare node).
  { key: 'idleAnon', label: 'idle RSS: anonymous part', previous: '—', target: undefined, format: (b) => `${(b / MIB).toFixed(0)} MiB` },
  { key: 'cpuSeconds', label: 'agent CPU, start to last scale-up', previous: '—', target: undefined, format: (s) => `${s.toFixed(2)} s` },
];

/** Samples of each measure for one variant. */
export type Samples = Partial<Record<Measure['key'], number[]>>;

/** The minimum and the median (the lower middle for an even count). */
export function minMedian(values: readonly number[]): { min: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]! };
}

/** One row per measure: previous, target, then `min / median` per variant with ✓ when the median meets the target. */
export function footprintTable(variants: readonly { name: string; samples: Samples }[]): string {
  const rows = MEASURES.map((measure) => [
    measure.label,
    measure.previous,
    measure.target === undefined ? '—' : `≤ ${measure.format(measure.target)}`,
    ...variants.map(({ samples }) => {
      const values = samples[measure.key];
      if (!values || values.length === 0) return '—';
      const { min, median } = minMedian(values);
      const verdict = measure.target === undefined ? '' : median <= measure.target ? ' ✓' : ' ✗';
      return `${measure.format(min)} / ${measure.format(median)}${verdict}`;
    }),
  ]);
  return markdownTable(['measure', 'previous', 'target', ...variants.map(({ name }) => `${name} (min / median)`)], rows);
}
