import { barChart } from '../report/svg.js';
import { markdownTable } from '../report/table.js';
import type { Measurement, MeasuredRuns } from './measurement.js';
import type { ScaleUpSteps } from './scale-up-run.js';

type StepKey = Exclude<keyof ScaleUpSteps, 'total' | 'ec2Calls' | 'extendByCommand'>;

/** The steps in order; `own` marks the agent's own time, the rest is EC2's (and the provisioner's polling of it). */
export const STEPS: readonly { key: StepKey; label: string; own: boolean }[] = [
  { key: 'decide', label: 'decide', own: true },
  { key: 'create', label: 'create (CreateVolume → available)', own: false },
  { key: 'attach', label: 'attach (→ attached, DeleteOnTermination)', own: false },
  { key: 'discover', label: 'discover (device visible)', own: true },
  { key: 'extend', label: 'driver extend', own: true },
  { key: 'confirm', label: 'capacity confirmed', own: true },
];

/** The agent's own share of one run: every step that is not EC2's. */
export function ownShare(steps: ScaleUpSteps): number {
  return STEPS.filter((step) => step.own).reduce((sum, step) => sum + steps[step.key], 0);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** A column heading for a measurement: what ran where. */
export function columnName(m: Measurement): string {
  return `${m.filesystem}, ${m.status === 'measured' && m.where.startsWith('VM') ? 'VM (TCG-slowed)' : m.where}`;
}

/**
 * The step table, one median/max column pair per measurement. A measurement that did not run fills its
 * cells with SKIPPED or FAILED, so a missing row can never pass for a fast one.
 */
export function stepTable(measurements: readonly Measurement[]): string {
  const cells = (m: Measurement, pick: (s: ScaleUpSteps) => number) => {
    if (m.status !== 'measured') return [m.status.toUpperCase(), m.status.toUpperCase()];
    const values = m.runs.map(pick);
    return [String(median(values)), String(Math.max(...values))];
  };
  const row = (label: string, whose: string, pick: (s: ScaleUpSteps) => number) => [label, whose, ...measurements.flatMap((m) => cells(m, pick))];
  const rows = [
    ...STEPS.map((step) => row(step.label, step.own ? 'agent' : 'EC2 + polling', (s) => s[step.key])),
    row('total: threshold crossing → grown filesystem', '', (s) => s.total),
    row("agent's own share (decide + discover + extend + confirm)", '', ownShare),
    row('of create + attach: inside EC2 API calls', '', (s) => s.ec2Calls),
  ];
  return markdownTable(['step', 'whose time', ...measurements.flatMap((m) => [`${columnName(m)}: median ms`, 'max ms'])], rows);
}

/** One loud line per measurement that did not run, for above the table and the console. */
export function notMeasuredLines(measurements: readonly Measurement[]): string[] {
  return measurements.flatMap((m) => (m.status === 'measured' ? [] : [`**${m.filesystem} in the ${m.where}: NOT MEASURED (${m.status}).** ${m.reason}`]));
}

/** The target is the host's: under TCG every process spawn costs ~0.25 s, so the VM's share only shows the order of steps. */
export function hostVerdict(host: Measurement | undefined): string {
  if (!host || host.status !== 'measured') return "Target (the agent's own share under 1 s on the host): **not measured** (the host run was skipped).";
  const own = host.runs.map(ownShare);
  const [ownMedian, ownMax] = [median(own), Math.max(...own)];
  const verdict = ownMax < 1000 ? 'met' : ownMedian < 1000 ? 'met at the median, not at the max' : 'not met';
  return `Target (the agent's own share under 1 s on the host, ${host.filesystem}): **${verdict}** (median ${ownMedian} ms, max ${ownMax} ms).`;
}

/** Medians per step and of the own share, one bar per measured filesystem. */
export function stepChart(measurements: readonly Measurement[]): string {
  const measured = measurements.filter((m): m is MeasuredRuns => m.status === 'measured');
  const missing = measurements.filter((m) => m.status !== 'measured').map((m) => `${m.filesystem} in the ${m.where.split(' ')[0]} NOT MEASURED`);
  return barChart({
    title:
      missing.length > 0
        ? `Scale-up steps, median ms — ${missing.join('; ')}`
        : `Scale-up steps, median ms (zero-latency EC2 simulator${measured.some((m) => m.where.startsWith('VM')) ? '; the VM is TCG-slowed' : ''})`,
    yLabel: 'ms',
    groups: [...STEPS.map((step) => step.key), 'own share'],
    series: measured.map((m) => ({
      // The legend has room for about 21 characters.
      name: `${m.filesystem.replace('LVM thin-pool + ', 'LVM thin+')}, ${m.where.startsWith('VM') ? 'VM TCG' : m.where}`,
      values: [...STEPS.map((step) => median(m.runs.map((r) => r[step.key]))), median(m.runs.map(ownShare))],
    })),
    reference: { y: 1000, label: '1 s (host target)' },
  });
}

/** Every run of one measurement, ms. */
export function runsTable(m: MeasuredRuns): string {
  return markdownTable(
    ['run', ...STEPS.map((s) => s.key), 'total', 'own share', 'EC2 calls'],
    m.runs.map((r, i) => [i + 1, ...STEPS.map((s) => r[s.key]), r.total, ownShare(r), r.ec2Calls]),
  );
}

/**
 * The driver-extend step split by the commands it ran (median ms of each command's summed time per
 * run), with what is left for the driver's own code: where the extend time goes, per filesystem.
 */
export function extendTable(measurements: readonly Measurement[]): string {
  const measured = measurements.filter((m): m is MeasuredRuns => m.status === 'measured');
  if (measured.length === 0) return '(nothing was measured)';
  const commands = [...new Set(measured.flatMap((m) => m.runs.flatMap((r) => Object.keys(r.extendByCommand))))];
  const cell = (m: MeasuredRuns, command: string) =>
    m.runs.some((r) => command in r.extendByCommand) ? String(median(m.runs.map((r) => r.extendByCommand[command] ?? 0))) : '–';
  const inCommands = (r: ScaleUpSteps) => Object.values(r.extendByCommand).reduce((sum, ms) => sum + ms, 0);
  return markdownTable(
    ['driver extend: command', ...measured.map((m) => `${columnName(m)}: median ms`)],
    [
      ...commands.map((command) => [`\`${command}\``, ...measured.map((m) => cell(m, command))]),
      ["outside commands (the driver's own code: sysfs, /proc, parsing)", ...measured.map((m) => String(median(m.runs.map((r) => r.extend - inCommands(r)))))],
      ['driver extend, total', ...measured.map((m) => String(median(m.runs.map((r) => r.extend))))],
    ],
  );
}
