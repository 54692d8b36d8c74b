import { STEP_TIMEOUT_SECONDS } from './setup-script.js';

/** The oneshot unit that runs the setup script at boot. */
export const SETUP_UNIT = 'ebs-autoscale-setup.service';
export const SETUP_SCRIPT_PATH = '/opt/ebs-autoscale-setup/setup.sh';

/**
 * The whole setup's limit: its steps' own limits and a margin. When it is reached systemd kills the
 * script, logs why, and the units ordered after it start anyway (they only Want it), so a failed setup
 * never hangs the boot; it costs those units this long at worst.
 */
export const SETUP_TIMEOUT_SECONDS = STEP_TIMEOUT_SECONDS.packages + STEP_TIMEOUT_SECONDS.fetch + STEP_TIMEOUT_SECONDS.install + 30;

/** A file the user data writes at boot. */
export interface BootFile {
  readonly path: string;
  readonly content: string;
  readonly mode: string;
}

/**
 * The setup unit, and a drop-in for each unit that must start after the mount exists (Docker and the
 * ECS agent for `/var/lib/docker`). Ordering, not stop-and-restart: the drop-ins are in place before
 * network-online.target, which Docker and ECS wait for, so they start once, on the grown filesystem.
 * `Wants=` rather than `Requires=`: when the setup fails they still start, on the root disk, and the
 * failure is on the console. `RequiresMountsFor=` keeps them off the root disk on later boots, when the
 * fstab line exists and the mount is what they need.
 */
export function setupUnits(mountPoint: string, orderBefore: readonly string[]): BootFile[] {
  const unit = [
    '# Written by `ebs-autoscale userdata`: installs the agent at boot (see the script for what it does).',
    '[Unit]',
    'Description=ebs-autoscale: install the agent',
    'Wants=network-online.target',
    'After=network-online.target',
    ...(orderBefore.length > 0 ? [`Before=${orderBefore.join(' ')}`] : []),
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `ExecStart=${SETUP_SCRIPT_PATH}`,
    `TimeoutStartSec=${SETUP_TIMEOUT_SECONDS}`,
    'StandardOutput=journal+console',
    'StandardError=journal+console',
    '',
  ].join('\n');
  const dropIn = [
    '# Written by `ebs-autoscale userdata`: start after the agent made the mount point it uses.',
    '[Unit]',
    `Wants=${SETUP_UNIT}`,
    `After=${SETUP_UNIT}`,
    `RequiresMountsFor=${mountPoint}`,
    '',
  ].join('\n');
  return [
    { path: `/etc/systemd/system/${SETUP_UNIT}`, content: unit, mode: '0644' },
    ...orderBefore.map((name) => ({ path: `/etc/systemd/system/${name}.d/10-ebs-autoscale.conf`, content: dropIn, mode: '0644' })),
  ];
}

/** A unit name that `Before=` and a drop-in directory can carry as it is: systemd's own character set. */
export function isPlainUnitName(name: string): boolean {
  return /^[A-Za-z0-9:_.@-]+\.(service|socket|target|mount)$/.test(name) && name.length <= 255;
}
