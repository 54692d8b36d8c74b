import { parseArtifactSource, userdataError } from './artifact-source.js';
import { cloudConfig } from './cloud-config.js';
import { multipart } from './mime.js';
import { AGENT_PREFIX, buildSetupScript } from './setup-script.js';
import { isPlainUnitName, SETUP_SCRIPT_PATH, SETUP_UNIT, setupUnits } from './setup-units.js';
import { TARGET_OS_PROFILES, type TargetOs, type UserdataDriver } from './target-os.js';

/** EC2 takes at most this much user data (16 KiB before base64). */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/** Options of {@link buildUserData}. */
export interface UserDataOptions {
  /** `s3://bucket/key.tar.gz`, `https://…` or `http://…` (a mirror inside the VPC): the release tarball. */
  readonly artifact: string;
  /** Its SHA-256; required but for s3, where SHA256SUMS beside it is checked instead. */
  readonly sha256?: string;
  /** Default `al2023`. */
  readonly os?: TargetOs;
  /** Default: the distribution's (LVM thin pool with xfs on AL2023, btrfs on Ubuntu). */
  readonly driver?: UserdataDriver;
  /** Default `/scratch`; `/var/lib/docker` for container storage. */
  readonly mountPoint?: string;
  /**
   * Units that start only after the mount exists. Default: `docker.service` and `ecs.service` for
   * `/var/lib/docker`, and `ecs.service` for any other mount point (so no job lands before it).
   */
  readonly orderBefore?: readonly string[];
  /** Extra `ebs-autoscale install` arguments, e.g. `['--initial-size', '100']`. */
  readonly installArgs?: readonly string[];
  /**
   * Files written at boot before anything in {@link orderBefore} starts, e.g. Docker's `daemon.json`
   * (Docker must never initialise its data root with another storage driver). Mode default `0644`.
   */
  readonly files?: readonly UserDataFile[];
}

/** One file of {@link UserDataOptions.files}. */
export interface UserDataFile {
  readonly path: string;
  readonly content: string;
  /** Octal, e.g. `0600`; default `0644`. */
  readonly mode?: string;
}

/**
 * EC2 user data that installs and starts the agent from a release artifact, as MIME multi-part (the
 * form AWS Batch merges into a launch template's user data): one cloud-config part, whose `bootcmd`
 * writes a setup script and the units that order Docker and ECS after the mount (see
 * {@link cloudConfig}, {@link setupUnits}, {@link buildSetupScript}). Everything that can be refused is
 * refused here, on the laptop, not at boot.
 *
 * @example
 * ```ts
 * writeFileSync('userdata.txt', buildUserData({
 *   artifact: 's3://my-bucket/ebs-autoscale-0.1.0-linux-arm64.tar.gz',
 *   mountPoint: '/var/lib/docker',
 * }));
 * ```
 */
export function buildUserData(options: UserDataOptions): string {
  const os = TARGET_OS_PROFILES[options.os ?? 'al2023'];
  if (!os)
    throw userdataError(`--os ${JSON.stringify(options.os)} is not one of ${Object.keys(TARGET_OS_PROFILES).join(', ')}.`, 'Pass --os al2023 or --os ubuntu.');
  const driver = options.driver ?? os.defaultDriver;
  if (driver === 'btrfs' && os.distribution.btrfsUnsupported)
    throw userdataError(
      `the btrfs driver cannot run on ${os.distribution.name}: ${os.distribution.btrfsUnsupported}.`,
      'Leave out --driver for the LVM thin pool with xfs, or pass --os ubuntu.',
    );
  const mountPoint = options.mountPoint ?? '/scratch';
  // The path goes into a unit's RequiresMountsFor= and a shell word; plain path characters keep both simple.
  if (!/^\/[A-Za-z0-9._/-]*$/.test(mountPoint) || mountPoint.split('/').some((part) => part === '..' || part === '.')) {
    throw userdataError(
      `--mountpoint ${JSON.stringify(mountPoint)} is not an absolute path of letters, digits and . _ - /.`,
      'Pass a plain path such as /scratch or /var/lib/docker.',
    );
  }
  const orderBefore = options.orderBefore ?? (mountPoint === '/var/lib/docker' ? ['docker.service', 'ecs.service'] : ['ecs.service']);
  const badUnit = orderBefore.find((name) => !isPlainUnitName(name));
  if (badUnit !== undefined)
    throw userdataError(
      `--before ${JSON.stringify(badUnit)} is not a unit name (name.service, .socket, .target or .mount).`,
      'Pass unit names as systemctl lists them.',
    );
  const artifact = parseArtifactSource(options.artifact, options.sha256);
  const script = buildSetupScript({ os, driver, artifact, mountPoint, installArgs: options.installArgs ?? [] });
  const extra = (options.files ?? []).map((file) => {
    if (!/^\/[A-Za-z0-9._/@+-]+$/.test(file.path) || file.path.split('/').includes('..'))
      throw userdataError(
        `the file path ${JSON.stringify(file.path)} is not an absolute path of letters, digits and . _ - + @ /.`,
        'Write it somewhere plainer.',
      );
    if (file.mode !== undefined && !/^0?[0-7]{3}$/.test(file.mode))
      throw userdataError(`the mode ${JSON.stringify(file.mode)} of ${file.path} is not octal like 0644.`, 'Pass three or four octal digits.');
    return { path: file.path, content: file.content, mode: file.mode ?? '0644' };
  });
  const files = [...extra, { path: SETUP_SCRIPT_PATH, content: script, mode: '0755' }, ...setupUnits(mountPoint, orderBefore)];
  const comment = `ebs-autoscale: grows ${mountPoint} with EBS volumes (${os.distribution.name}, ${driver} driver).\nThe agent comes from ${artifact.url}, unpacked to ${AGENT_PREFIX}; ${SETUP_UNIT} logs to the console.`;
  const text = multipart([{ contentType: 'text/cloud-config', body: cloudConfig(comment, files, SETUP_UNIT) }]);
  const size = Buffer.byteLength(text);
  if (size > USER_DATA_LIMIT_BYTES)
    throw userdataError(`the user data is ${size} bytes, over EC2's ${USER_DATA_LIMIT_BYTES}.`, 'Pass fewer install arguments.');
  return text;
}
