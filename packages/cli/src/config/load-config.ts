import { readFile } from 'node:fs/promises';
import type { AgentConfig } from './agent-config.js';
import { ConfigError } from './issues.js';
import { parseLegacyConfig } from './legacy-config.js';
import { parseV1Config } from './v1-config.js';

/** Where amazon-ebs-autoscale keeps its configuration, and so where we look first. */
export const DEFAULT_CONFIG_FILE = '/etc/ebs-autoscale.json';

/**
 * Normalises a parsed configuration of either format. Ours carries `"version"` or `"$schema"`;
 * anything else is read as amazon-ebs-autoscale's format, so existing hosts switch without edits.
 */
export function parseConfig(json: unknown, file?: string): AgentConfig {
  const ours = typeof json === 'object' && json !== null && ('version' in json || '$schema' in json);
  return ours ? parseV1Config(json, file) : parseLegacyConfig(json, file);
}

/** Reads, parses and validates a configuration file. Throws a {@link ConfigError} for every problem. */
export async function loadConfig(file: string = DEFAULT_CONFIG_FILE): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError([{ path: '', message: `${file} ${why}; pass --config <file> or run \`ebs-autoscale install\` to write one` }], file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([{ path: '', message: `not valid JSON: ${(error as Error).message}` }], file);
  }
  return parseConfig(json, file);
}
