import { realpathSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { createExecaRunner, type CommandRunner } from '@ebs-autoscale/core';
import { removeRunFiles } from '../agent/run-agent.js';
import { INSTALL_DEFAULTS } from '../config/agent-config.js';
import { loadLocatedConfig, locateConfig } from '../config/config-location.js';
import { installAgent } from '../install/install-agent.js';
import type { HostPaths } from '../install/install-options.js';
import { uninstallAgent } from '../install/uninstall-agent.js';
import { EXIT, type CliIo } from './io.js';
import { WORLD_OPTIONS, worldRunArgs, worldSettings, type WorldValues } from './world-options.js';

/** Default overall deadline of `install`, seconds: well inside cloud-init's patience, past a slow EC2 create and attach. */
export const DEFAULT_INSTALL_TIMEOUT_SECONDS = 300;

/** What the install and uninstall commands take from outside, injected by tests. */
export interface InstallCommandDeps {
  readonly runner?: CommandRunner;
  /** Device roots of the simulator's sandbox (`--dev-root`/`--sys-root` do the same). */
  readonly devRoot?: string;
  readonly sysRoot?: string;
  /** Answers the confirmation prompt of `uninstall --release-volumes`; default a TTY prompt on stdin. */
  readonly ask?: (question: string) => Promise<string | undefined>;
  /** Where os-release is read (default `/etc/os-release`), and whether a tool is installed: the distribution checks. */
  readonly osReleasePaths?: readonly string[];
  readonly hasTool?: (tool: string) => Promise<boolean>;
}

const DRIVERS = ['btrfs', 'lvm', 'ext4-static'] as const;

const HOST_OPTIONS = {
  config: { type: 'string', short: 'c' },
  mountpoint: { type: 'string', short: 'm' },
  'config-dir': { type: 'string' },
  'unit-dir': { type: 'string' },
  fstab: { type: 'string' },
  ...WORLD_OPTIONS,
  'run-dir': { type: 'string' },
} as const;

/** `install`: configuration, first device, mount, systemd unit; idempotent and bounded in time. */
export async function installCommand(args: string[], io: CliIo, deps: InstallCommandDeps = {}): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...HOST_OPTIONS,
      driver: { type: 'string' },
      device: { type: 'string' },
      'initial-size': { type: 'string' },
      timeout: { type: 'string' },
      node: { type: 'string' },
      bin: { type: 'string' },
    },
  });
  const driver = values.driver;
  if (driver !== undefined && !(DRIVERS as readonly string[]).includes(driver)) {
    io.stderr.write(`--driver expects one of ${DRIVERS.join(', ')}, got "${driver}"\n`);
    return EXIT.usage;
  }
  const size = values['initial-size'] === undefined ? undefined : Number(values['initial-size']);
  if (size !== undefined && !(Number.isInteger(size) && size > 0)) {
    io.stderr.write(`--initial-size expects a whole number of GiB, got "${values['initial-size']}"\n`);
    return EXIT.usage;
  }
  const timeout = Number(values.timeout ?? DEFAULT_INSTALL_TIMEOUT_SECONDS);
  if (!(timeout > 0)) {
    io.stderr.write(`--timeout expects a positive number of seconds, got "${values.timeout}"\n`);
    return EXIT.usage;
  }
  // The file of this mount point (`-m`), or the one `--config` names; with neither, the host's only one, or /scratch's.
  const location = await locateConfig({ config: values.config, mountPoint: values.mountpoint, configDir: values['config-dir'] });
  const configPath =
    location.exists || values.config !== undefined || values.mountpoint !== undefined
      ? location.file
      : (await locateConfig({ mountPoint: INSTALL_DEFAULTS.mountPoint, configDir: values['config-dir'] })).file;
  const result = await installAgent({
    ...hostPaths(values, deps, configPath),
    ...(values.mountpoint ? { mountPoint: values.mountpoint } : {}),
    ...(values.device ? { device: values.device } : {}),
    ...(driver ? { driver: driver as (typeof DRIVERS)[number] } : {}),
    ...(deps.osReleasePaths ? { osReleasePaths: deps.osReleasePaths } : {}),
    ...(deps.hasTool ? { hasTool: deps.hasTool } : {}),
    ...(size === undefined ? {} : { initialSizeGiB: size }),
    timeoutMs: timeout * 1000,
    ...agentCommand(values.node, values.bin),
    // The unit's `run` gets the same world as this install had, so ExecStart finds the same devices.
    runArgs: [
      ...worldRunArgs({ ...values, 'dev-root': values['dev-root'] ?? deps.devRoot, 'sys-root': values['sys-root'] ?? deps.sysRoot }),
      ...(values['run-dir'] ? ['--run-dir', values['run-dir']] : []),
    ],
    say: (line) => io.stdout.write(`${line}\n`),
  });
  io.stdout.write(
    result.changed.length === 0
      ? `Already installed for ${result.config.mountPoint}; nothing changed.\n`
      : `Installed for ${result.config.mountPoint}:\n${result.changed.map((line) => `  - ${line}\n`).join('')}`,
  );
  return EXIT.ok;
}

/** `uninstall`: stops and removes the service; deletes volumes only with `--release-volumes` and a confirmation. */
export async function uninstallCommand(args: string[], io: CliIo, deps: InstallCommandDeps = {}): Promise<number> {
  const { values } = parseArgs({ args, options: { ...HOST_OPTIONS, 'release-volumes': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } } });
  // Refuses here, before anything is stopped, a --config and --mountpoint that disagree.
  const { config, file } = await loadLocatedConfig({ config: values.config, mountPoint: values.mountpoint, configDir: values['config-dir'] });
  const paths = hostPaths(values, deps, file);
  let release = values['release-volumes'] === true;
  if (release && !values.yes) {
    const { mountPoint } = config;
    const ask = deps.ask ?? ttyPrompt;
    const answer = await ask(`This deletes ${mountPoint}'s volumes and every file on them. Type the mount point to confirm: `);
    if (answer === undefined) {
      io.stderr.write('--release-volumes deletes data: pass --yes, or run it on a terminal to confirm.\n');
      return EXIT.usage;
    }
    release = answer.trim() === mountPoint;
    if (!release) {
      io.stderr.write(`"${answer.trim()}" is not ${mountPoint}; nothing was changed.\n`);
      return EXIT.failed;
    }
  }
  const result = await uninstallAgent({
    ...paths,
    releaseVolumes: release,
    ...(values['run-dir'] ? { runDir: values['run-dir'] } : {}),
    ...(deps.osReleasePaths ? { osReleasePaths: deps.osReleasePaths } : {}),
    say: (line) => io.stdout.write(`${line}\n`),
  });
  await removeRunFiles(result.mountPoint, values['run-dir']);
  io.stdout.write(
    release ? `Uninstalled; released ${result.releasedVolumes.length} volume(s).\n` : `Uninstalled; the data on ${result.mountPoint} is untouched.\n`,
  );
  return EXIT.ok;
}

function hostPaths(
  values: { 'unit-dir'?: string | undefined; fstab?: string | undefined } & WorldValues,
  deps: InstallCommandDeps,
  configPath: string,
): HostPaths {
  const { capacity: _capacity, ...world } = worldSettings(values, { devRoot: deps.devRoot, sysRoot: deps.sysRoot });
  return {
    configPath,
    unitDir: values['unit-dir'] ?? '/etc/systemd/system',
    fstabPath: values.fstab ?? '/etc/fstab',
    runner: deps.runner ?? createExecaRunner(),
    world,
  };
}

/** Asks on the terminal; undefined when stdin is not one (cloud-init, a pipe), so nothing is assumed. */
async function ttyPrompt(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/**
 * What the unit runs: `--node`/`--bin` when given; from a release artifact its launcher (through /bin/sh,
 * so the unit needs no exec bit or shebang lookup), which starts the bundled node with the artifact's
 * memory flags (scripts/release/launcher.mjs); else this very node and bin.
 */
function agentCommand(node: string | undefined, bin: string | undefined, env: NodeJS.ProcessEnv = process.env): { nodePath: string; binPath: string } {
  const launcher = env.EBS_AUTOSCALE_LAUNCHER;
  if (node === undefined && bin === undefined && launcher?.startsWith('/')) return { nodePath: '/bin/sh', binPath: launcher };
  return { nodePath: node ?? process.execPath, binPath: bin ?? realpathSync(process.argv[1] ?? 'ebs-autoscale') };
}
