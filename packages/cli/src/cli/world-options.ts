import type { BuildAgentOptions } from '../agent/build-agent.js';
import { parseBytesPerGiB, scaledCapacity } from '../agent/scaled-capacity.js';

/** Credentials the simulator accepts; it checks none, but the SDK refuses to sign without some. */
export const SIMULATOR_CREDENTIALS = { accessKeyId: 'SIMULATOR', secretAccessKey: 'SIMULATOR' };

/**
 * Options that point the agent at another world than the instance's own: the EC2 simulator's
 * endpoints, its sandboxed `/dev` and `/sys`, and its size scale. `run`, `install` and `uninstall`
 * take the same ones, and install writes them into the unit's `run` line.
 */
export const WORLD_OPTIONS = {
  simulator: { type: 'string' },
  imds: { type: 'string' },
  region: { type: 'string' },
  'dev-root': { type: 'string' },
  'sys-root': { type: 'string' },
  'bytes-per-gib': { type: 'string' },
} as const;

/** The parsed values of {@link WORLD_OPTIONS}. */
export interface WorldValues {
  simulator?: string | undefined;
  imds?: string | undefined;
  region?: string | undefined;
  'dev-root'?: string | undefined;
  'sys-root'?: string | undefined;
  'bytes-per-gib'?: string | undefined;
}

/** What the agent gets from the world options. */
export type WorldSettings = Pick<BuildAgentOptions, 'ec2ClientConfig' | 'metadataEndpoint' | 'devRoot' | 'sysRoot' | 'capacity'>;

/** Turns the options into agent settings; throws a parse error (exit 2) for a bad `--bytes-per-gib`. */
export function worldSettings(values: WorldValues, defaults: { devRoot?: string | undefined; sysRoot?: string | undefined } = {}): WorldSettings {
  const devRoot = values['dev-root'] ?? defaults.devRoot;
  const sysRoot = values['sys-root'] ?? defaults.sysRoot;
  const bytesPerGiB = bytesPerGiBOf(values);
  return {
    ...(values.simulator ? { ec2ClientConfig: { endpoint: values.simulator, region: values.region ?? 'us-east-1', credentials: SIMULATOR_CREDENTIALS } } : {}),
    ...(values.imds ? { metadataEndpoint: values.imds } : {}),
    ...(devRoot ? { devRoot } : {}),
    ...(sysRoot ? { sysRoot } : {}),
    ...(bytesPerGiB === undefined ? {} : { capacity: scaledCapacity(bytesPerGiB) }),
  };
}

/** The same options as `run` arguments, in a fixed order, for the systemd unit. */
export function worldRunArgs(values: WorldValues): string[] {
  const pairs: [string, string | undefined][] = [
    ['--simulator', values.simulator],
    ['--region', values.simulator ? values.region : undefined],
    ['--imds', values.imds],
    ['--dev-root', values['dev-root']],
    ['--sys-root', values['sys-root']],
    ['--bytes-per-gib', values['bytes-per-gib']],
  ];
  return pairs.flatMap(([flag, value]) => (value === undefined ? [] : [flag, value]));
}

function bytesPerGiBOf(values: WorldValues): number | undefined {
  const raw = values['bytes-per-gib'];
  if (raw === undefined) return undefined;
  const bytes = parseBytesPerGiB(raw);
  if (bytes === undefined) {
    throw Object.assign(new TypeError(`--bytes-per-gib expects bytes from 1 MiB to 1 GiB in whole sectors (e.g. 134217728 or 128MiB), got "${raw}"`), {
      code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
    });
  }
  return bytes;
}
