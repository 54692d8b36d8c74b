import { access } from 'node:fs/promises';
import type { AgentConfig } from './agent-config.js';
import { loadConfig, parseConfig } from './load-config.js';

/** What a command reads when it is run before any host exists: a laptop has no `/etc/ebs-autoscale.json`. */
export const DEFAULT_MOUNT_POINT = '/scratch';

/**
 * The configuration a host-independent command (`iam-policy`) works from: the file given with
 * `--config`, else the default file when it exists, else the defaults `install` would write for
 * {@link DEFAULT_MOUNT_POINT} — with a line for stderr that says so, since a policy for the defaults
 * may not fit the configuration the host will have. A file named with `--config` must exist.
 */
export async function configOrDefaults(given: string | undefined, defaultFile: string): Promise<{ config: AgentConfig; usedDefaults?: string }> {
  if (given !== undefined) return { config: await loadConfig(given) };
  if (
    await access(defaultFile).then(
      () => true,
      () => false,
    )
  )
    return { config: await loadConfig(defaultFile) };
  const config = parseConfig({ version: 1, mountPoint: DEFAULT_MOUNT_POINT });
  const { volume } = config;
  return {
    config,
    usedDefaults: `no ${defaultFile} here: this is for the defaults (mount point ${config.mountPoint}, ${volume.type} volumes, ${volume.encrypted ? 'encrypted' : 'not encrypted'}); pass --config <file> for another configuration`,
  };
}
