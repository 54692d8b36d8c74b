import { readFile } from 'node:fs/promises';
import type { AgentConfig } from './agent-config.js';
import { duplicateKeys } from './duplicate-keys.js';
import { ConfigError } from './issues.js';
import { parseLegacyConfig } from './legacy-config.js';
import { canonicalMountPoint } from './mount-point.js';
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

/**
 * Reads, parses and validates a configuration file, and resolves its mount point to the one
 * canonical path ({@link canonicalMountPoint}) everything after loading uses. A UTF-8 byte order mark
 * (which some editors write) is skipped; a key given twice in one object is refused, since JSON.parse
 * would silently keep the last. Throws a {@link ConfigError} for every problem.
 */
export async function loadConfig(file: string = DEFAULT_CONFIG_FILE): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError([{ path: '', message: `${file} ${why}; pass --config <file> or run \`ebs-autoscale install\` to write one` }], file);
  }
  const config = parseConfigText(text, file);
  const mountPoint = await canonicalMountPoint(config.mountPoint, { path: config.format === 'v1' ? 'mountPoint' : 'mountpoint', file });
  return { ...config, mountPoint };
}

/** Parses a configuration file's text: without its byte order mark, and refusing duplicate keys. */
export function parseConfigText(text: string, file?: string): AgentConfig {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new ConfigError([{ path: '', message: `not valid JSON: ${(error as Error).message}` }], file);
  }
  const duplicates = duplicateKeys(body);
  if (duplicates.length > 0)
    throw new ConfigError(
      duplicates.map((path) => ({ path, message: 'appears twice in the same object; JSON keeps only the last, so remove the one you did not mean' })),
      file,
    );
  return parseConfig(json, file);
}
