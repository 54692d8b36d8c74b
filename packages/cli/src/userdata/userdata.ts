/** Options of {@link buildUserData}. */
export interface UserDataOptions {
  /** The mount point to grow. Default `/scratch`; `/var/lib/docker` for container storage. */
  mountPoint?: string;
  /** What `npm install -g` installs: a registry spec or a tarball URL/path. Default `@ebs-autoscale/cli`. */
  packageSpec?: string;
  /** Extra arguments for `ebs-autoscale install`, e.g. `['--initial-size', '100']`. */
  installArgs?: readonly string[];
  /** OS packages cloud-init installs first. Default: btrfs-progs, and Node.js from the distribution. */
  osPackages?: readonly string[];
  /**
   * systemd services stopped before `install` and started after it, so nothing writes under the mount
   * point while the filesystem is mounted over it. Default `['docker']` for `/var/lib/docker`, else none.
   */
  stopServices?: readonly string[];
  /** Files cloud-init writes early (its `write_files`, before most services start), e.g. Docker's `daemon.json`. */
  files?: readonly UserDataFile[];
}

/** One file of {@link UserDataOptions.files}. */
export interface UserDataFile {
  readonly path: string;
  readonly content: string;
  /** Octal mode, default `0644`. */
  readonly permissions?: string;
}

/** The boundary AWS Batch's launch-template examples use; any string absent from the parts works. */
export const MIME_BOUNDARY = '==';

/**
 * The EC2 user data that installs and starts the agent, as MIME multi-part: AWS Batch merges its own
 * part into a launch template's user data and accepts only this form (`MIME-Version`, a
 * `multipart/mixed` boundary, each part with its `Content-Type`, closed by `--==--`).
 *
 * @example
 * ```ts
 * writeFileSync('userdata.txt', buildUserData({ mountPoint: '/var/lib/docker' }));
 * ```
 */
export function buildUserData(options: UserDataOptions = {}): string {
  const mountPoint = options.mountPoint ?? '/scratch';
  const spec = options.packageSpec ?? '@ebs-autoscale/cli';
  const packages = options.osPackages ?? ['btrfs-progs', 'nodejs'];
  const install = ['ebs-autoscale', 'install', '--mountpoint', mountPoint, ...(options.installArgs ?? [])];
  const services = options.stopServices ?? (mountPoint === '/var/lib/docker' ? ['docker'] : []);
  const files = options.files ?? [];
  // cloud-config runcmd entries given as lists are exec'd without a shell, so no value needs quoting.
  const cloudConfig = [
    '#cloud-config',
    'repo_update: true',
    'packages:',
    ...packages.map((name) => `  - ${yamlString(name)}`),
    ...(files.length === 0 ? [] : ['write_files:', ...files.flatMap((file) => [`  - path: ${yamlString(file.path)}`, `    permissions: ${yamlString(file.permissions ?? '0644')}`, `    content: ${JSON.stringify(file.content)}`])]),
    'runcmd:',
    `  - [npm, install, --global, ${yamlString(spec)}]`,
    ...services.map((service) => `  - [systemctl, stop, ${yamlString(service)}]`),
    `  - [${install.map(yamlString).join(', ')}]`,
    // --no-block: a service ordered after cloud-init would otherwise wait for this very script.
    ...services.map((service) => `  - [systemctl, start, --no-block, ${yamlString(service)}]`),
    '',
  ].join('\n');
  return [
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`,
    '',
    `--${MIME_BOUNDARY}`,
    'Content-Type: text/cloud-config; charset="us-ascii"',
    '',
    cloudConfig,
    `--${MIME_BOUNDARY}--`,
    '',
  ].join('\n');
}

/**
 * A YAML flow scalar that always reads back as a string: plain when safe, otherwise double-quoted
 * (JSON escaping is valid YAML). Numbers and YAML 1.1 booleans are quoted, since cloud-init would
 * hand an exec'd command an int or a bool.
 */
function yamlString(value: string): string {
  const plain = /^[A-Za-z0-9@/._-][A-Za-z0-9@/._=:-]*$/.test(value) && !/^[-+.\d]+$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}
