import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG_FILE } from '../config/load-config.js';
import { loadLocatedConfig } from '../config/config-location.js';
import { configOrDefaults } from '../config/config-or-defaults.js';
import { buildIamPolicy } from '../iam/iam-policy.js';
import { EXIT, type CliIo } from './io.js';

/** `config`: validates and prints the normalised configuration. */
export async function configCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' }, mountpoint: { type: 'string', short: 'm' }, 'config-dir': { type: 'string' } },
    allowPositionals: true,
  });
  const { config } = await loadLocatedConfig({ config: values.config ?? positionals[0], mountPoint: values.mountpoint, configDir: values['config-dir'] });
  io.stdout.write(`${JSON.stringify(config, (_key, value: unknown) => (value === Number.POSITIVE_INFINITY ? 'unlimited' : value), 2)}\n`);
  return EXIT.ok;
}

/** `iam-policy`: the least-privilege policy for the configured agent. */
export async function iamPolicyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      region: { type: 'string' },
      account: { type: 'string' },
      'instance-tag': { type: 'string' },
      artifact: { type: 'string' },
    },
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
    ...(values.artifact ? { artifact: values.artifact } : {}),
  });
  io.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
  return EXIT.ok;
}
