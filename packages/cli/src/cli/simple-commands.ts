import { parseArgs } from 'node:util';
import type { AgentConfig } from '../config/agent-config.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../config/load-config.js';
import { configOrDefaults } from '../config/config-or-defaults.js';
import { canonicalMountPoint } from '../config/mount-point.js';
import { unitNameFor } from '../systemd/systemd-unit.js';
import { buildIamPolicy } from '../iam/iam-policy.js';
import { formatStatus } from '../status/format-status.js';
import { readStatusReport, statusFilePath } from '../run-dir/status-file.js';
import { buildUserData } from '../userdata/userdata.js';
import { DEFAULT_RUN_DIR } from '../run-dir/lock.js';
import { EXIT, type CliIo } from './io.js';

/** `config`: validates and prints the normalised configuration. */
export async function configCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, allowPositionals: true });
  const config = await loadConfig(values.config ?? positionals[0] ?? DEFAULT_CONFIG_FILE);
  io.stdout.write(`${JSON.stringify(config, (_key, value: unknown) => (value === Number.POSITIVE_INFINITY ? 'unlimited' : value), 2)}\n`);
  return EXIT.ok;
}

/** `iam-policy`: the least-privilege policy for the configured agent. */
export async function iamPolicyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' }, region: { type: 'string' }, account: { type: 'string' }, 'instance-tag': { type: 'string' } },
  });
  // Run on a laptop before any host exists, too: without a config file, the defaults, said on stderr.
  const { config, usedDefaults } = await configOrDefaults(values.config, DEFAULT_CONFIG_FILE);
  if (usedDefaults) io.stderr.write(`ebs-autoscale iam-policy: ${usedDefaults}\n`);
  const tag = values['instance-tag'];
  const separator = tag?.indexOf('=') ?? -1;
  if (tag !== undefined && separator < 1) {
    io.stderr.write(`--instance-tag expects key=value, got "${tag}"\n`);
    return EXIT.usage;
  }
  const policy = buildIamPolicy(config, {
    ...(values.region ? { region: values.region } : {}),
    ...(values.account ? { accountId: values.account } : {}),
    ...(tag ? { instanceTag: { key: tag.slice(0, separator), value: tag.slice(separator + 1) } } : {}),
  });
  io.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
  return EXIT.ok;
}

/** `userdata`: MIME multi-part user data that installs and starts the agent. */
export function userdataCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args, options: { mountpoint: { type: 'string', short: 'm' }, package: { type: 'string' } }, allowPositionals: true });
  io.stdout.write(
    buildUserData({
      ...(values.mountpoint ? { mountPoint: values.mountpoint } : {}),
      ...(values.package ? { packageSpec: values.package } : {}),
      installArgs: positionals,
    }),
  );
  return EXIT.ok;
}

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
