import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBytes } from '@ebs-autoscale/core';
import { configFiles, DEFAULT_CONFIG_DIR } from '../config/config-location.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../config/load-config.js';
import { installedInstances } from '../install/agent-units.js';
import { readStatusReport, type StatusReport } from '../run-dir/status-file.js';
import { instanceOfUnitName, mountPointOfInstance, unitNameFor } from '../systemd/unit-names.js';

/** Where `status` without a mount point looks for the host's agents. */
export interface HostAgentsOptions {
  readonly runDir: string;
  readonly unitDir?: string;
  readonly configDir?: string;
  readonly legacyFile?: string;
}

/** One mount point of the host: how it is known, and its agent's last report if there is one. */
export interface HostAgent {
  readonly mountPoint: string;
  /** It has a configuration file (the directory's, or the legacy single file). */
  readonly configured: boolean;
  /** Its unit instance is enabled, or has install's drop-in. */
  readonly installed: boolean;
  readonly report?: StatusReport;
  readonly running: boolean;
}

/**
 * Every mount point of the host, sorted: installed (a unit instance), configured (a file in the
 * configuration directory or the legacy `/etc/ebs-autoscale.json`) or reporting (a status file in the
 * run directory, which also finds an agent started by hand). A configuration that does not load is
 * left out here; `ebs-autoscale config` names its problems.
 */
export async function hostAgents(options: HostAgentsOptions): Promise<HostAgent[]> {
  const agents = new Map<string, { configured: boolean; installed: boolean; report?: StatusReport; running: boolean }>();
  const entry = (mountPoint: string) =>
    agents.get(mountPoint) ?? agents.set(mountPoint, { configured: false, installed: false, running: false }).get(mountPoint)!;
  for (const file of [...(await configFiles(options.configDir ?? DEFAULT_CONFIG_DIR)), options.legacyFile ?? DEFAULT_CONFIG_FILE]) {
    const config = await loadConfig(file).catch(() => undefined);
    if (config) entry(config.mountPoint).configured = true;
  }
  for (const unit of await installedInstances(options.unitDir ?? '/etc/systemd/system')) {
    const mountPoint = (() => {
      try {
        return mountPointOfInstance(instanceOfUnitName(unit)!);
      } catch {
        return undefined;
      }
    })();
    if (mountPoint !== undefined) entry(mountPoint).installed = true;
  }
  const names = await readdir(options.runDir).catch(() => [] as string[]);
  for (const name of names.filter((file) => file.endsWith('.status.json'))) {
    const found = await readStatusReport(join(options.runDir, name)).catch(() => undefined);
    if (!found) continue;
    Object.assign(entry(found.report.status.mountPoint), { report: found.report, running: found.running });
  }
  return [...agents.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([mountPoint, agent]) => ({ mountPoint, ...agent }));
}

/** One line per mount point: its agent's state, usage and volumes, and its unit. */
export function formatHostAgents(agents: readonly HostAgent[]): string {
  const rows = agents.map((agent) => {
    const usage = agent.report?.status.usage;
    const state =
      agent.report === undefined
        ? 'not reporting'
        : agent.running
          ? `running (PID ${agent.report.pid})`
          : `NOT RUNNING (last report by PID ${agent.report.pid})`;
    return [
      agent.mountPoint,
      state,
      usage ? `${formatBytes(usage.usedBytes)} of ${formatBytes(usage.totalBytes)}` : '-',
      agent.report ? String(agent.report.status.addedVolumes) : '-',
      agent.installed ? unitNameFor(agent.mountPoint) : '-',
    ];
  });
  const table = [['Mount point', 'Agent', 'Used', 'Volumes', 'Unit'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return `${table.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n')}\n\n\`ebs-autoscale status -m <mount point>\` shows one in full.\n`;
}
