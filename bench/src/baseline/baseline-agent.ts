import { execFileSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Ec2Simulator } from '@ebs-autoscale/ec2-sim';
import { shellQuote } from './namespace-init.js';
import type { World } from './workloads.js';

/** Where the baseline's scripts look for themselves and their config: paths written into them. */
const INSTALL_DIR = '/usr/local/amazon-ebs-autoscale';
const CONFIG_FILE = '/etc/ebs-autoscale.json';

/**
 * Every change made at run time to point amazon-ebs-autoscale at the simulator, for the report. Its
 * policy, sleeps and retries are untouched; its files are not modified (they are bind-mounted).
 */
export const BASELINE_CHANGES = [
  "`AWS_ENDPOINT_URL_EC2` = the simulator's EC2 endpoint (botocore reads it: no `aws` wrapper), dummy credentials, `AWS_EC2_METADATA_DISABLED=true`, empty AWS config files.",
  "The real `aws` script first on PATH (pyenv's shim would add a bash and a pyenv process to every call).",
  "`http_proxy` = the simulator's IMDS (and `no_proxy=127.0.0.1`): the scripts' `curl http://169.254.169.254/…` reaches it unchanged; the config's `imdsv2` is on, since the simulator refuses IMDSv1.",
  'Started with `bash`: its `#!/bin/sh` is dash on Debian but bash on Amazon Linux, and under dash its `{0..N}` retry loops do not expand.',
  "`/dev/xvdbX → /dev/loopN` links as Amazon Linux's udev rule makes them (the simulator shows NVMe names only).",
  "In the scaled world, `df -BG` becomes `df -B<bytes per simulated GiB>` (a `df` first on PATH), so its sizes are the simulator's GiB.",
  "Its config and utils paths: a private mount namespace bind-mounts the checkout at /usr/local/amazon-ebs-autoscale and the generated config at /etc/ebs-autoscale.json (the log file is the config's, in the run's temp dir).",
] as const;

/** The real `aws` entry script, not pyenv's shim. */
export function realAws(): string {
  const onPath = execFileSync('bash', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim();
  if (!onPath.includes('/.pyenv/shims/')) return onPath;
  return execFileSync('pyenv', ['which', 'aws'], { encoding: 'utf8' }).trim();
}

/** The baseline's config, as its install.sh renders it, with the world's sizes and the bench's log file. */
export function baselineConfig(world: World, mountPoint: string, logFile: string): Record<string, unknown> {
  return {
    mountpoint: mountPoint,
    filesystem: 'btrfs',
    imdsv2: 'true',
    lvm: { volume_group: 'autoscale_vg', logical_volume: 'autoscale_lv' },
    volume: { type: 'gp3', iops: '3000', throughput: '125', encrypted: 1 },
    detection_interval: 2,
    limits: {
      min_ebs_volume_size: String(world.minVolumeGiB),
      max_ebs_volume_size: String(world.maxVolumeGiB),
      max_logical_volume_size: String(world.maxTotalGiB),
      max_ebs_volume_count: String(world.maxAttachedVolumes),
      // install.sh's default.
      initial_utilization_threshold: '50',
    },
    logging: { log_file: logFile, log_interval: 300 },
  };
}

/** One baseline installation in a run's temp dir: its config, log, environment and mount set-up. */
export class BaselineHost {
  readonly configPath: string;
  readonly logPath: string;
  private constructor(
    readonly dir: string,
    readonly checkout: string,
    readonly env: NodeJS.ProcessEnv,
  ) {
    this.configPath = join(dir, 'ebs-autoscale.json');
    this.logPath = join(dir, 'ebs-autoscale.log');
  }

  static async create(options: { dir: string; checkout: string; sim: Ec2Simulator; world: World; mountPoint: string; aws: string }): Promise<BaselineHost> {
    const bin = join(options.dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(options.dir, 'aws-config'), '');
    await writeFile(join(options.dir, 'aws-credentials'), '');
    const path = [dirname(options.aws), process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'];
    if (options.world.bytesPerGiB !== 1024 ** 3) {
      await writeFile(
        join(bin, 'df'),
        `#!/bin/bash\nargs=()\nfor a in "$@"; do [ "$a" = -BG ] && a=-B${options.world.bytesPerGiB}; args+=("$a"); done\nexec /usr/bin/df "\${args[@]}"\n`,
      );
      await chmod(join(bin, 'df'), 0o755);
      path.unshift(bin);
    }
    const env: NodeJS.ProcessEnv = {
      PATH: path.join(':'),
      HOME: options.dir,
      LANG: 'C',
      AWS_ENDPOINT_URL_EC2: options.sim.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEC2SIMULATOR',
      AWS_SECRET_ACCESS_KEY: 'ec2-sim-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(options.dir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(options.dir, 'aws-credentials'),
      http_proxy: options.sim.imdsEndpoint,
      no_proxy: '127.0.0.1,localhost',
      NO_PROXY: '127.0.0.1,localhost',
    };
    const host = new BaselineHost(options.dir, options.checkout, env);
    await writeFile(host.configPath, JSON.stringify(baselineConfig(options.world, options.mountPoint, host.logPath), null, 4));
    return host;
  }

  /** The mount namespace's set-up: the checkout and the config where the scripts look for them. */
  get setup(): string[] {
    return [
      'mount --make-rprivate /',
      'mount -t tmpfs bench-usr-local /usr/local',
      `mkdir -p ${INSTALL_DIR}`,
      `mount --bind -o ro ${shellQuote(this.checkout)} ${INSTALL_DIR}`,
      `mount --bind ${shellQuote(this.configPath)} ${CONFIG_FILE}`,
    ];
  }

  /** `bash <daemon>`, as the systemd unit starts it on Amazon Linux (where /bin/sh is bash). */
  get daemonArgv(): string[] {
    return ['bash', `${INSTALL_DIR}/bin/ebs-autoscale`];
  }

  /** `bash <create-ebs-volume> --size N`, as install.sh makes the first volume. */
  createVolumeArgv(sizeGiB: number, maxAttached: number): string[] {
    return ['bash', `${INSTALL_DIR}/bin/create-ebs-volume`, '--size', String(sizeGiB), '--max-attached-volumes', String(maxAttached)];
  }
}

/** /etc/ebs-autoscale.json must exist for the bind mount; a placeholder (removed after) when the host has none. */
export const BASELINE_CONFIG_FILE = CONFIG_FILE;
