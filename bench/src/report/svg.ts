/** One named series of (x, y) points. */
export interface Series {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Log scale on x. */
  readonly logX?: boolean;
}

const COLORS = ['#6b7280', '#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed'];
const W = 720;
const H = 400;
const M = { top: 40, right: 160, bottom: 50, left: 70 };

/** A hand-written SVG line chart: no dependency, deterministic output that diffs cleanly in git. */
export function lineChart(options: LineChartOptions): string {
  const all = options.series.flatMap((s) => s.points);
  const tx = (x: number) => (options.logX ? Math.log10(x) : x);
  const xs = all.map((p) => tx(p.x));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y1 = niceMax(Math.max(...all.map((p) => p.y), 1));
  const px = (x: number) => M.left + ((tx(x) - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - (y / y1) * (H - M.top - M.bottom);
  const parts: string[] = [frame(options.title, options.xLabel, options.yLabel)];
  for (let i = 0; i <= 4; i += 1) {
    const y = (y1 * i) / 4;
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(y)}" y2="${py(y)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
  }
  const ticks = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  for (const x of ticks) parts.push(`<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(x)}</text>`);
  options.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of s.points) parts.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(legend(i, s.name, color));
  });
  return wrap(parts);
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  /** One value per group for each series. */
  readonly series: readonly { readonly name: string; readonly values: readonly number[] }[];
  /** A horizontal reference line, e.g. the 0.6× goal. */
  readonly reference?: { readonly y: number; readonly label: string };
}

/** A hand-written grouped bar chart. */
export function barChart(options: BarChartOptions): string {
  const values = options.series.flatMap((s) => s.values);
  const y1 = niceMax(Math.max(...values, options.reference?.y ?? 0, 1e-9));
  const py = (y: number) => H - M.bottom - (y / y1) * (H - M.top - M.bottom);
  const groupWidth = (W - M.left - M.right) / options.groups.length;
  const barWidth = (groupWidth * 0.8) / options.series.length;
  const parts: string[] = [frame(options.title, '', options.yLabel)];
  for (let i = 0; i <= 4; i += 1) {
    const y = (y1 * i) / 4;
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(y)}" y2="${py(y)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
  }
  options.groups.forEach((group, g) => {
    const gx = M.left + g * groupWidth + groupWidth * 0.1;
    parts.push(`<text x="${gx + groupWidth * 0.4}" y="${H - M.bottom + 16}" text-anchor="middle">${escape(group)}</text>`);
    options.series.forEach((s, i) => {
      const v = s.values[g] ?? 0;
      parts.push(
        `<rect x="${(gx + i * barWidth).toFixed(1)}" y="${py(v).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(H - M.bottom - py(v)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"/>`,
      );
    });
  });
  options.series.forEach((s, i) => parts.push(legend(i, s.name, COLORS[i % COLORS.length]!)));
  if (options.reference) {
    const y = py(options.reference.y);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#111827" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${W - M.right + 4}" y="${y + 4}">${escape(options.reference.label)}</text>`);
  }
  return wrap(parts);
}

function frame(title: string, xLabel: string, yLabel: string): string {
  return [
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#374151"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#374151"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`,
  ].join('\n');
}

function legend(i: number, name: string, color: string): string {
  const y = M.top + 10 + i * 20;
  return `<rect x="${W - M.right + 12}" y="${y - 9}" width="12" height="12" fill="${color}"/><text x="${W - M.right + 30}" y="${y + 1}">${escape(name)}</text>`;
}

function wrap(parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">\n${parts.join('\n')}\n</svg>\n`;
}

function niceMax(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function fmt(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 1000) return `${(value / 1000).toFixed(value % 1000 === 0 ? 0 : 1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 1 ? 2 : 1);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
