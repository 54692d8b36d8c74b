import { systemdQuote, unitError } from './systemd-quote.js';

/** The node and bin a unit runs the agent with. */
export interface AgentCommand {
  /** Absolute path of the node binary that runs the agent. */
  readonly nodePath: string;
  /** Absolute path of `bin/ebs-autoscale.js`. */
  readonly binPath: string;
}

/** What an instance's drop-in carries beyond the template. */
export interface InstanceDropInOptions extends AgentCommand {
  /** The configuration file, when `run --instance` would not find it by the mount point. */
  readonly configPath?: string;
  /** Extra `run` arguments, e.g. `--simulator <url>`. */
  readonly runArgs?: readonly string[];
}

/** The first line of every unit and drop-in install writes: how install and uninstall know a file is theirs. */
export const UNIT_HEADER = '# Written by `ebs-autoscale install`; `ebs-autoscale uninstall` removes it.';

/**
 * Seconds systemd waits for a stop. A stop lets a scale-up in flight finish (create, attach, device
 * add, up to the capacity wait), which takes minutes at worst on EC2; killing it midway leaves a
 * volume for the next start's reconciliation, so wait rather than kill.
 */
export const STOP_TIMEOUT_SECONDS = 600;

/**
 * The template `ebs-autoscale@.service`: an instance runs `ebs-autoscale run --instance %i`, which
 * unescapes the instance to the mount point and finds its configuration by it
 * (`config/config-location.ts`). `%i`, the escaped instance, is the one specifier safe on the command
 * line: it holds only `[A-Za-z0-9:_.\-]`, whereas `%f` (the unescaped path) is not escaped again after
 * systemd splits the line, so a `$` in a mount point would be expanded as a variable when the agent
 * starts. `%f` goes where it is plain: the description, and `RequiresMountsFor`, which orders the agent
 * after the mount (and so its device and local-fs). Network-online because the agent talks to IMDS and
 * EC2 at start; `Restart=on-failure` brings it back after a crash, whose leftovers start-up
 * reconciliation repairs. The node and bin are the installing agent's, each escaped for ExecStart.
 */
export function buildUnitTemplate(command: AgentCommand): string {
  return [
    UNIT_HEADER,
    '# One agent per mount point: ebs-autoscale@<systemd-escape --path of the mount point>.service.',
    '[Unit]',
    'Description=ebs-autoscale: grows %f with EBS volumes',
    'Wants=network-online.target',
    'After=network-online.target local-fs.target',
    'RequiresMountsFor=%f',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${execStart(command, [])}`,
    'Restart=on-failure',
    'RestartSec=5',
    `TimeoutStopSec=${STOP_TIMEOUT_SECONDS}`,
    'KillSignal=SIGTERM',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * The drop-in of one instance (`ebs-autoscale@<instance>.service.d/10-ebs-autoscale.conf`), for what
 * belongs to this mount point's install and not to every instance: a configuration file away from
 * where `run --instance` looks, the test world's `--simulator`/`--dev-root`/… arguments, or another
 * node and bin than the template's (an install from a second unpacked artifact must not change what
 * the agents of other mount points run). A drop-in, not a unit of its own, because that is where
 * systemd and its operators look for what one instance adds (`systemctl cat` shows both), and the
 * template's ordering, restart and stop settings stay one for all. It resets `ExecStart=` and gives
 * the whole line, every value escaped for it.
 */
export function buildInstanceDropIn(options: InstanceDropInOptions): string {
  const extra = [...(options.configPath === undefined ? [] : ['--config', options.configPath]), ...(options.runArgs ?? [])];
  return [UNIT_HEADER, '[Service]', 'ExecStart=', `ExecStart=${execStart(options, extra)}`, ''].join('\n');
}

/** `<node> <bin> run --instance %i <extra…>`, every word but the specifier quoted for systemd. */
function execStart(command: AgentCommand, extra: readonly string[]): string {
  if (!command.nodePath.startsWith('/')) throw unitError(`the node path ${JSON.stringify(command.nodePath)} is not absolute`);
  return [...[command.nodePath, command.binPath, 'run', '--instance'].map(systemdQuote), '%i', ...extra.map(systemdQuote)].join(' ');
}
