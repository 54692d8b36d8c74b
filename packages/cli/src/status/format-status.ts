import { formatBytes, type AutoscalerStatus, type Decision } from '@ebs-autoscale/core';
import { MODIFICATION_RULE, modificationBudget } from '@ebs-autoscale/provisioner-ebs';

/** Options of {@link formatStatus}. */
export interface FormatStatusOptions {
  /** Now, ms since the epoch, for "3 s ago". Default `Date.now()`. */
  now?: number;
  /** The agent's process, shown in the header when known. */
  pid?: number;
}

/**
 * A people-readable report of an autoscaler's status: usage and every gauge, devices, owned volumes,
 * volumes kept because they could not be proven unused, thresholds and limits, and the last decision. Plain text without colour, so it reads the same in a
 * terminal, a log and a test.
 */
export function formatStatus(status: AutoscalerStatus, options: FormatStatusOptions = {}): string {
  const now = options.now ?? Date.now();
  const lines: string[] = [];
  const pid = options.pid === undefined ? '' : ` (PID ${options.pid})`;
  lines.push(`ebs-autoscale ${status.mountPoint}: ${status.state}${status.scaling ? ', scaling now' : ''}${pid}`);
  lines.push(`  driver ${status.driver} · provisioner ${status.provisioner} · policy ${status.policy}, every ${seconds(status.intervalMs)}`);
  // A status file written by an older agent has no readOnly: it counts as writable.
  if (status.readOnly) lines.push(`  READ-ONLY: ${status.mountPoint} is mounted read-only; no scale-up until it is writable again`);
  lines.push('');
  const usage = status.usage;
  if (usage) {
    lines.push(
      table(
        ['Capacity', 'Used', 'Available', 'Worst gauge'],
        [
          [
            formatBytes(usage.totalBytes),
            formatBytes(usage.usedBytes),
            formatBytes(usage.availableBytes),
            status.worst ? `${status.worst.kind} ${pct(status.worst.usedPercent)}` : '-',
          ],
        ],
      ),
    );
    lines.push('');
    lines.push(
      table(
        ['Gauge', 'Used', 'Detail'],
        usage.gauges.map((gauge) => [gauge.kind, pct(gauge.usedPercent), gauge.detail ?? '']),
      ),
    );
  } else {
    lines.push('No usage sample yet.');
  }
  lines.push('');
  lines.push(`Devices (${status.devices.length}): ${status.devices.length ? status.devices.join(', ') : '-'}`);
  lines.push('');
  if (status.volumes.length) {
    lines.push(
      table(
        ['Volume', 'Size', 'State', 'Device', 'Delete on termination'],
        status.volumes.map((v) => [
          v.volumeId,
          `${v.sizeGiB} GiB`,
          v.state,
          v.device ?? '-',
          v.deleteOnTermination === undefined ? '?' : v.deleteOnTermination ? 'yes' : 'NO',
        ]),
      ),
    );
  } else {
    lines.push('Owned volumes: none added yet.');
  }
  lines.push(`Added: ${status.addedVolumes} volume${status.addedVolumes === 1 ? '' : 's'}, ${status.addedGiB} GiB`);
  lines.push(...capacityChanges(status, now));
  lines.push(...reservationsAndReclaim(status, now));
  // A status file written by an agent from before kept volumes existed has no such field.
  const kept = (status as Partial<AutoscalerStatus>).keptVolumes ?? [];
  if (kept.length) {
    lines.push('');
    lines.push(`KEPT, not released (${kept.length}): each could not be proven to hold no data of ${status.mountPoint}`);
    lines.push(
      table(
        ['Volume', 'Device', 'Reason', 'Check'],
        kept.map((v) => [v.volumeId, v.device ?? '-', v.reason, v.hint]),
      ),
    );
  }
  lines.push('');
  const limits = status.limits;
  lines.push(
    `Limits: volumes ${limits.minVolumeGiB}–${limits.maxVolumeGiB} GiB · at most ${limitValue(limits.maxTotalCreatedGiB)} GiB created · at most ${limitValue(limits.maxAttachedVolumes)} attached · at most ${limitValue(limits.maxCreatedVolumes)} created`,
  );
  if (status.limitReached) lines.push(`LIMIT REACHED: ${status.limitReached}`);
  if (status.lastDecision) {
    const at = status.lastDecisionAt === undefined ? '' : ` (${seconds(Math.max(0, now - status.lastDecisionAt))} ago)`;
    lines.push(`Last decision${at}: ${describeDecision(status.lastDecision)}`);
  }
  if (status.consecutiveFailures > 0) {
    const retry = status.retryAt === undefined ? '' : `, next try in ${seconds(Math.max(0, status.retryAt - now))}`;
    lines.push(`Failures: ${status.consecutiveFailures} in a row${retry}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * How the agent grows, its growths in place with the modification budget left per volume (EBS's rule,
 * counting the modifications this agent made; provisioner-ebs's `MODIFICATION_RULE`), and its shrinks.
 * Nothing for a status file from before issue 17, which has none of these fields.
 */
function capacityChanges(status: AutoscalerStatus, now: number): string[] {
  if (status.growth === undefined && status.inPlaceGrowths === undefined && status.removals === undefined) return [];
  const inPlace = status.inPlaceGrowths ?? [];
  const total = inPlace.reduce((sum, volume) => sum + volume.startedAt.length, 0);
  const removals = status.removals ?? { released: 0, kept: 0, cancelled: 0 };
  const lines = [
    `Growth: ${status.growth ?? 'none (watch only)'} · ${total} in place · shrinks: ${removals.released} released, ${removals.kept} kept, ${removals.cancelled} cancelled`,
  ];
  const members = status.volumes.filter((volume) => volume.device !== undefined && status.devices.includes(volume.device));
  if (status.growth !== 'hybrid' && status.growth !== 'grow-in-place' && inPlace.length === 0) return lines;
  const rows = members.map((volume) => {
    const budget = modificationBudget(inPlace.find((entry) => entry.volumeId === volume.volumeId)?.startedAt ?? [], now);
    const next = budget.nextAt === undefined ? '' : `, next in ${seconds(budget.nextAt - now)}`;
    return [volume.volumeId, String(budget.inWindow), `${budget.left} of ${MODIFICATION_RULE.perWindow}${next}`];
  });
  if (rows.length) lines.push(table(['Volume', 'In place (24 h)', 'Modifications left'], rows));
  return lines;
}

/** One line for a decision: what, why, at which fill and threshold. */
export function describeDecision(decision: Decision): string {
  const fill = `worst ${pct(decision.worstPercent)} vs threshold ${pct(decision.thresholdPercent)}`;
  const eta = decision.secondsToFull === undefined ? '' : `, full in ${seconds(decision.secondsToFull * 1000)}`;
  if (decision.action === 'scale') return `scale +${decision.sizeGiB} GiB (${decision.trigger}; ${fill}${eta})`;
  if (decision.action === 'limit') return `blocked by ${decision.limit} (${fill}${eta})`;
  return `nothing to do (${fill}${eta})`;
}

/** Left-aligned columns separated by two spaces, with a header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function pct(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** JSON turns Infinity into null; both mean "no limit". */
function limitValue(value: number | null): string {
  return value === null || !Number.isFinite(value) ? 'unlimited' : String(value);
}

function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Reservations (waiting and granted) and what the reclaimers freed; nothing for an agent without either. */
function reservationsAndReclaim(status: AutoscalerStatus, now: number): string[] {
  const lines: string[] = [];
  const reservations = status.reservations ?? [];
  if (reservations.length > 0) {
    lines.push('');
    lines.push(`Reservations (${reservations.length}, ${formatBytes(status.reservedBytes ?? reservations.reduce((sum, r) => sum + r.bytes, 0))} promised):`);
    lines.push(
      table(
        ['Id', 'Holder', 'Size', 'State', 'Expires in'],
        reservations.map((r) => [r.id, r.holder, formatBytes(r.bytes), r.state, r.expiresAt === undefined ? '-' : seconds(Math.max(0, r.expiresAt - now))]),
      ),
    );
  }
  if (status.reclaimers !== undefined && status.reclaimers.length > 0) {
    lines.push(`Reclaimers: ${status.reclaimers.join(', ')} · ${formatBytes(status.reclaimedBytes ?? 0)} freed so far`);
  }
  return lines;
}
