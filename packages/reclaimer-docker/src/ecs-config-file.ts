import { readFile } from 'node:fs/promises';

/**
 * Reads ECS's agent configuration file (/etc/ecs/ecs.config, `KEY=VALUE` lines as systemd's
 * EnvironmentFile reads them: `#` comments, optional quotes) into a variable map for
 * `readEcsCleanupKnobs`; empty when the file does not exist, as on a host without ECS.
 */
export async function readEcsConfigFile(path = '/etc/ecs/ecs.config'): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const value = match[2]!;
    env[match[1]!] = /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
  }
  return env;
}
