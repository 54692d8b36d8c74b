import { EbsAutoscaleError } from '@ebs-autoscale/core';
import { controlCharacterIn } from '../config/mount-point.js';
import { boundedName, escapeSystemdPath } from './systemd-escape.js';

/** What goes into the agent's systemd unit. */
export interface SystemdUnitOptions {
  /** The canonical mount point (see `canonicalMountPoint`). */
  readonly mountPoint: string;
  readonly configPath: string;
  /** Absolute path of the node binary that runs the agent. */
  readonly nodePath: string;
  /** Absolute path of `bin/ebs-autoscale.js`. */
  readonly binPath: string;
  /** Extra `run` arguments, e.g. `--simulator <url>`. */
  readonly runArgs?: readonly string[];
}

/**
 * The unit name of installs made before units were named per mount point (one agent per host, as
 * amazon-ebs-autoscale had). New installs use {@link unitNameFor}.
 */
export const UNIT_NAME = 'ebs-autoscale.service';

/** The first line of every unit install writes: how install and uninstall know a unit is theirs. */
export const UNIT_HEADER = '# Written by `ebs-autoscale install`; `ebs-autoscale uninstall` removes it.';

const UNIT_PREFIX = 'ebs-autoscale-';
const UNIT_SUFFIX = '.service';
/** systemd's UNIT_NAME_MAX is 256 with the terminating NUL. */
const UNIT_NAME_MAX = 255;

/**
 * The unit of the agent for one mount point: `/scratch` → `ebs-autoscale-scratch.service`,
 * `/data/a-b` → `ebs-autoscale-data-a\x2db.service` (systemd's path escaping, as `systemd-escape --path`),
 * so agents for two mount points have two units and one mount point has one.
 */
export function unitNameFor(mountPoint: string): string {
  return `${UNIT_PREFIX}${boundedName(escapeSystemdPath(mountPoint), UNIT_NAME_MAX - UNIT_PREFIX.length - UNIT_SUFFIX.length)}${UNIT_SUFFIX}`;
}

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
 * Every value that came from outside is escaped for the setting it goes into (systemd.syntax(7),
 * systemd.service(5)), and a control character anywhere is refused: a newline would start a
 * directive of its own (issue 12, item 6).
 */
export function buildSystemdUnit(options: SystemdUnitOptions): string {
  if (!options.nodePath.startsWith('/')) throw unitError(`the node path ${JSON.stringify(options.nodePath)} is not absolute`);
  const exec = [options.nodePath, options.binPath, 'run', '--config', options.configPath, ...(options.runArgs ?? [])].map(systemdQuote).join(' ');
  return [
    UNIT_HEADER,
    '[Unit]',
    `Description=${unitValue(`ebs-autoscale: grows ${options.mountPoint} with EBS volumes`)}`,
    'Wants=network-online.target',
    'After=network-online.target local-fs.target',
    `RequiresMountsFor=${unitPathWord(options.mountPoint)}`,
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

/**
 * One word of `ExecStart=`. systemd splits the line on whitespace, honours quotes and C escapes,
 * expands `%` specifiers and `$VAR`, and takes a bare `;` as a command separator; so `%` becomes `%%`,
 * `$` becomes `$$`, and any word with more than plain path characters is double-quoted with `\` and `"`
 * escaped. The empty word is `""`, which systemd keeps as an argument.
 */
export function systemdQuote(word: string): string {
  refuseControl(word);
  const escaped = word.replaceAll('%', '%%').replaceAll('$', '$$$$');
  return /^[A-Za-z0-9_./:=,+@%$-]+$/.test(escaped) && escaped !== ';' ? escaped : `"${escaped.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

/**
 * A path word of a space-separated path list (`RequiresMountsFor=`): quotes and `\` escapes are
 * undone and `%` specifiers expanded, but `$` is not special there, so it stays as it is.
 */
function unitPathWord(path: string): string {
  refuseControl(path);
  const escaped = path.replaceAll('%', '%%');
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(escaped) ? escaped : `"${escaped.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

/**
 * A plain value (`Description=`): taken as written apart from `%` specifiers. A line that ends in `\`
 * continues on the next, so a trailing backslash is refused with the control characters.
 */
function unitValue(value: string): string {
  refuseControl(value);
  if (value.endsWith('\\')) throw unitError(`${JSON.stringify(value)} ends in a backslash, which systemd reads as a line continuation`);
  return value.replaceAll('%', '%%');
}

function refuseControl(value: string): void {
  const control = controlCharacterIn(value);
  if (control !== undefined) throw unitError(`${JSON.stringify(value)} contains the control character ${control}, which a unit file cannot carry safely`);
}

function unitError(what: string): EbsAutoscaleError {
  return new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `No systemd unit was written: ${what}.`, { hint: 'Use paths without control characters; nothing was changed.' });
}
