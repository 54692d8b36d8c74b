/** What goes into the agent's systemd unit. */
export interface SystemdUnitOptions {
  readonly mountPoint: string;
  readonly configPath: string;
  /** Absolute path of the node binary that runs the agent. */
  readonly nodePath: string;
  /** Absolute path of `bin/ebs-autoscale.js`. */
  readonly binPath: string;
  /** Extra `run` arguments, e.g. `--simulator <url>`. */
  readonly runArgs?: readonly string[];
}

/** The unit's file name: one agent per host, as amazon-ebs-autoscale had. */
export const UNIT_NAME = 'ebs-autoscale.service';

/**
 * Seconds systemd waits for a stop. A stop lets a scale-up in flight finish (create, attach, device
 * add, up to the capacity wait), which takes minutes at worst on EC2; killing it midway leaves a
 * volume for the next start's reconciliation, so wait rather than kill.
 */
export const STOP_TIMEOUT_SECONDS = 600;

/**
 * The systemd unit that runs `ebs-autoscale run`. Network-online because the agent talks to IMDS and
 * EC2 at start; `RequiresMountsFor` orders it after the mount (and so its device and local-fs), and
 * `Restart=on-failure` brings it back after a crash, whose leftovers start-up reconciliation repairs.
 */
export function buildSystemdUnit(options: SystemdUnitOptions): string {
  const exec = [options.nodePath, options.binPath, 'run', '--config', options.configPath, ...(options.runArgs ?? [])].map(systemdQuote).join(' ');
  return [
    '# Written by `ebs-autoscale install`; `ebs-autoscale uninstall` removes it.',
    '[Unit]',
    `Description=ebs-autoscale: grows ${options.mountPoint} with EBS volumes`,
    'Wants=network-online.target',
    'After=network-online.target local-fs.target',
    `RequiresMountsFor=${systemdQuote(options.mountPoint)}`,
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
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

/** One word of a unit file: `%` doubled (specifier), quoted when it has whitespace, quotes or backslashes. */
export function systemdQuote(word: string): string {
  const escaped = word.replaceAll('%', '%%');
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/["\\]/g, (char) => `\\${char}`)}"` : escaped;
}
