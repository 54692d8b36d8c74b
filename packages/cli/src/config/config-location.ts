import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { instanceNameFor } from '../systemd/unit-names.js';
import type { AgentConfig } from './agent-config.js';
import { ConfigError } from './issues.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from './load-config.js';
import { canonicalMountPoint } from './mount-point.js';

/**
 * Where install writes one configuration per mount point: `<dir>/<instance>.json`, the instance being
 * the mount point escaped as its unit's (`/var/lib/docker` → `/etc/ebs-autoscale.d/var-lib-docker.json`,
 * beside `ebs-autoscale@var-lib-docker.service`). A directory of its own, as systemd's and sudo's
 * `.d` directories, so that a host with several mount points has one file each and no file shared.
 */
export const DEFAULT_CONFIG_DIR = '/etc/ebs-autoscale.d';

/** The configuration file of a (canonical) mount point under the rule of {@link DEFAULT_CONFIG_DIR}. */
export function mountConfigPath(mountPoint: string, configDir: string = DEFAULT_CONFIG_DIR): string {
  return join(configDir, `${instanceNameFor(mountPoint)}.json`);
}

/** What names a configuration: the file, or the mount point, or neither; and where to look. */
export interface ConfigQuery {
  /** `--config`: this file and no other. */
  readonly config?: string | undefined;
  /** `--mountpoint` (or `run --instance`, unescaped): the configuration of this mount point. */
  readonly mountPoint?: string | undefined;
  /** Default {@link DEFAULT_CONFIG_DIR}. */
  readonly configDir?: string | undefined;
  /** amazon-ebs-autoscale's single file. Default {@link DEFAULT_CONFIG_FILE}. */
  readonly legacyFile?: string | undefined;
}

/** Where a configuration is, or would be written; `mountPoint` is the canonical one asked for, if any. */
export interface ConfigLocation {
  readonly file: string;
  readonly exists: boolean;
  readonly mountPoint?: string;
}

/**
 * Finds the configuration file, the one rule for `run`, `config`, `status`, `install` and `uninstall`:
 * - `--config` names it.
 * - A mount point: its file in the configuration directory; else the legacy `/etc/ebs-autoscale.json`
 *   when that is for this mount point (a host installed before per-mount files, or by
 *   amazon-ebs-autoscale); else its file in the directory, which does not exist yet.
 * - Neither: the legacy file, the single-mount default, when it exists; else the directory's only file;
 *   several there is an error that lists them, since guessing would run the wrong agent.
 */
export async function locateConfig(query: ConfigQuery): Promise<ConfigLocation> {
  const dir = query.configDir ?? DEFAULT_CONFIG_DIR;
  const legacy = query.legacyFile ?? DEFAULT_CONFIG_FILE;
  const mountPoint = query.mountPoint === undefined ? undefined : await canonicalMountPoint(query.mountPoint, { path: '--mountpoint' });
  const asked = mountPoint === undefined ? {} : { mountPoint };
  if (query.config !== undefined) return { file: query.config, exists: await exists(query.config), ...asked };
  if (mountPoint !== undefined) {
    const own = mountConfigPath(mountPoint, dir);
    if (await exists(own)) return { file: own, exists: true, mountPoint };
    if ((await exists(legacy)) && (await loadConfig(legacy)).mountPoint === mountPoint) return { file: legacy, exists: true, mountPoint };
    return { file: own, exists: false, mountPoint };
  }
  if (await exists(legacy)) return { file: legacy, exists: true };
  const files = await configFiles(dir);
  if (files.length === 1) return { file: files[0]!, exists: true };
  if (files.length > 1) {
    throw new ConfigError(
      [
        {
          path: '',
          message: `${dir} holds the configurations of ${files.length} mount points (${files.map((file) => file.slice(dir.length + 1)).join(', ')}); pass --mountpoint <dir> to say which`,
        },
      ],
      dir,
    );
  }
  return { file: legacy, exists: false };
}

/**
 * Loads the configuration {@link locateConfig} finds, and refuses one for another mount point than the
 * one asked for (`--config` and `--mountpoint` that disagree, or a unit instance whose drop-in names
 * another mount point's file): that agent would grow the wrong filesystem.
 */
export async function loadLocatedConfig(query: ConfigQuery): Promise<{ config: AgentConfig; file: string }> {
  const location = await locateConfig(query);
  const config = await loadConfig(location.file);
  if (location.mountPoint !== undefined && config.mountPoint !== location.mountPoint) {
    throw new ConfigError(
      [
        {
          path: config.format === 'v1' ? 'mountPoint' : 'mountpoint',
          message: `is ${config.mountPoint}, but this is for ${location.mountPoint}; pass the configuration of ${location.mountPoint}, or leave out --mountpoint`,
        },
      ],
      location.file,
    );
  }
  return { config, file: location.file };
}

/** The `.json` files of the configuration directory, sorted; none when it does not exist. */
export async function configFiles(dir: string = DEFAULT_CONFIG_DIR): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [] as string[];
    throw error;
  });
  return names
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
