import { parseArgs } from 'node:util';
import { loadLocatedConfig } from '../config/config-location.js';
import { canonicalMountPoint } from '../config/mount-point.js';
import { unitNameFor } from '../systemd/unit-names.js';
import { formatStatus } from '../status/format-status.js';
import { formatHostAgents, hostAgents } from '../status/host-agents.js';
import { readStatusReport, statusFilePath } from '../run-dir/status-file.js';
import { DEFAULT_RUN_DIR } from '../run-dir/lock.js';
import { EXIT, type CliIo } from './io.js';

/**
 * `status`: reads the running agent's status file. With `--mountpoint` or `--config`, that mount
 * point's in full; with neither, every mount point of the host (installed, configured or reporting),
 * one line each, or in full when the host has only one.
 */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      mountpoint: { type: 'string', short: 'm' },
      'config-dir': { type: 'string' },
      'unit-dir': { type: 'string' },
      json: { type: 'boolean' },
      'run-dir': { type: 'string' },
    },
  });
  const runDir = values['run-dir'] ?? DEFAULT_RUN_DIR;
  let mountPoint: string;
  if (values.mountpoint !== undefined) {
    // The agent names its status file by the canonical mount point; an alias must find the same file.
    mountPoint = await canonicalMountPoint(values.mountpoint, { path: '--mountpoint' });
  } else if (values.config !== undefined) {
    mountPoint = (await loadLocatedConfig({ config: values.config })).config.mountPoint;
  } else {
    const agents = await hostAgents({
      runDir,
      ...(values['unit-dir'] ? { unitDir: values['unit-dir'] } : {}),
      ...(values['config-dir'] ? { configDir: values['config-dir'] } : {}),
    });
    if (agents.length === 0) {
      io.stderr.write(
        `No ebs-autoscale agent is installed, configured or reporting here (no unit instance, no configuration, nothing in ${runDir}). Install one: ebs-autoscale install -m <mount point>\n`,
      );
      return EXIT.failed;
    }
    if (agents.length > 1) {
      io.stdout.write(
        values.json
          ? `${JSON.stringify(
              agents.map(({ report, ...agent }) => ({ ...agent, ...(report ?? {}) })),
              null,
              2,
            )}\n`
          : formatHostAgents(agents),
      );
      return agents.every((agent) => agent.running) ? EXIT.ok : EXIT.failed;
    }
    mountPoint = agents[0]!.mountPoint;
  }
  const file = statusFilePath(mountPoint, runDir);
  const found = await readStatusReport(file);
  if (!found) {
    io.stderr.write(
      `No agent has reported for ${mountPoint} (no ${file}). Is \`ebs-autoscale run\` running? Try: systemctl status ${unitNameFor(mountPoint)}\n`,
    );
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
