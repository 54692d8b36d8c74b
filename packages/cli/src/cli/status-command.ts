import { parseArgs } from 'node:util';
import type { AgentConfig } from '../config/agent-config.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../config/load-config.js';
import { canonicalMountPoint } from '../config/mount-point.js';
import { unitNameFor } from '../systemd/systemd-unit.js';
import { formatStatus } from '../status/format-status.js';
import { readStatusReport, statusFilePath } from '../run-dir/status-file.js';
import { DEFAULT_RUN_DIR } from '../run-dir/lock.js';
import { EXIT, type CliIo } from './io.js';
/** `status`: reads the running agent's status file. */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, mountpoint: { type: 'string', short: 'm' }, json: { type: 'boolean' }, 'run-dir': { type: 'string' } } });
  // The agent names its status file by the canonical mount point; an alias must find the same file.
  const mountPoint = values.mountpoint === undefined ? await configuredMountPoint(values.config) : await canonicalMountPoint(values.mountpoint, { path: '--mountpoint' });
  const file = statusFilePath(mountPoint, values['run-dir'] ?? DEFAULT_RUN_DIR);
  const found = await readStatusReport(file);
  if (!found) {
    io.stderr.write(`No agent has reported for ${mountPoint} (no ${file}). Is \`ebs-autoscale run\` running? Try: systemctl status ${unitNameFor(mountPoint)}\n`);
    return EXIT.failed;
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ running: found.running, ...found.report }, null, 2)}\n`);
  } else {
    if (!found.running) io.stdout.write(`WARNING: the agent that wrote this (PID ${found.report.pid}) is not running; this is its last report.\n`);
    io.stdout.write(formatStatus(found.report.status, { pid: found.report.pid }));
  }
  return found.running ? EXIT.ok : EXIT.failed;
}

async function configuredMountPoint(file: string | undefined): Promise<string> {
  const config: AgentConfig = await loadConfig(file ?? DEFAULT_CONFIG_FILE);
  return config.mountPoint;
}
