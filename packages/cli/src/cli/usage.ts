/** One subcommand's help: what it does and its own options. */
interface CommandHelp {
  readonly summary: string;
  /** Option lines, already aligned; empty when it has none. */
  readonly options: string;
  /** Whether `--config` and `--run-dir` apply. */
  readonly common: boolean;
}

const COMMON_OPTIONS = `  -c, --config <file>     Configuration file (default: the mount point's, see --mountpoint;
                          else /etc/ebs-autoscale.json). Reads amazon-ebs-autoscale's format
                          as it is, or ours ("version": 1).
  --run-dir <dir>         Lock and status directory (default /run/ebs-autoscale).
`;

/** How run, status, install, uninstall and config find a mount point's configuration (config/config-location.ts). */
const MOUNT_POINT_OPTIONS = `  -m, --mountpoint <dir>  The mount point: its configuration is /etc/ebs-autoscale.d/<instance>.json
                          (the instance as \`systemd-escape --path\` writes it), else
                          /etc/ebs-autoscale.json when that is for it. Without it and --config:
                          /etc/ebs-autoscale.json, else the one file in /etc/ebs-autoscale.d.
  --config-dir <dir>      Where the per-mount-point files are (default /etc/ebs-autoscale.d).
`;

/** How reserve and release find the agent's socket (reservations/api-socket.ts). */
const RESERVATION_SOCKET_OPTIONS = `  -m, --mountpoint <dir>  Which agent (default: the only one running).
  --socket <path>         The agent's socket itself, e.g. one mounted into a container (default
                          $EBS_AUTOSCALE_SOCKET, else <run dir>/api/<instance>.sock).
  --run-dir <dir>         Where the agents' sockets are (default /run/ebs-autoscale).
`;

const COMMANDS: Readonly<Record<string, CommandHelp>> = {
  run: {
    summary: 'Run the agent for one mount point (ebs-autoscale@<instance>.service runs this).',
    options: `${MOUNT_POINT_OPTIONS}  --instance <name>       The mount point as its unit instance (what the template passes: %i).
  --simulator <url>       Use this EC2 endpoint (e.g. the simulator's) with test credentials.
  --imds <url>            Use this instance metadata endpoint.
  --dev-root <dir>        Find volumes' device nodes here, not /dev (the simulator's sandbox).
  --sys-root <dir>        Read their sysfs entries here, not /sys.
  --bytes-per-gib <n>     The simulator's size scale (e.g. 128MiB): bytes of device per GiB of
                          volume, so a scale-up counts as done when the scaled size shows.
  --metrics-port <port>   Serve Prometheus metrics on 127.0.0.1:<port>/metrics.
  --log-level <level>     trace, debug, info, warn, error, fatal or silent.
  --json-logs             JSON lines even on a terminal.
  --stop-grace <seconds>  On SIGTERM, wait this long for a scale-up in flight, then abandon it and
                          clean up what it created (default 540: the unit's TimeoutStopSec less 60).
  --stray-settle <s>      At start, wait this long for owned volumes' devices to appear before
                          judging strays (default 60). A volume whose device never shows is kept.
`,
    common: true,
  },
  status: {
    summary: "Show the running agent's usage, gauges, devices, volumes, limits, last decision.",
    options: `  -m, --mountpoint <dir>  Which agent. Without it (and --config), every mount point of the host,
                          one line each (in full when there is one).
  --config-dir <dir>      Where the per-mount-point files are (default /etc/ebs-autoscale.d).
  --unit-dir <dir>        Where the units are (default /etc/systemd/system).
  --json                  The raw status as JSON (a list without a mount point, for several).
`,
    common: true,
  },
  demo: {
    summary: 'Run the agent against a local EC2 simulator on loop devices and fill the mount.',
    options: `  --rate <MiB/s>          How fast to fill the mount (default 16).
  --duration <s>          How long to fill (default 30).
  --initial-size <GiB>    Size of the first simulated volume (default 2; 1 GiB is 128 MiB on disk).
  --latencies <profile>   Simulated EC2 timing: quick (default: EC2's shape, about 4× faster),
                          realistic (as measured on EC2: 6–10 s per scale-up) or zero.
  --verbose               Also print the agent's own log lines.
`,
    common: false,
  },
  install: {
    summary: 'Write the configuration and the unit, create and mount the first volume, start ebs-autoscale@<instance>.service.',
    options: `${MOUNT_POINT_OPTIONS}                          With no configuration there yet, install writes ours to
                          /etc/ebs-autoscale.d/<instance>.json (mount point default /scratch);
                          an existing one, of either format, is kept as it is.
  --driver <kind>         Driver of a new configuration: btrfs (default), lvm (a thin pool; xfs on
                          Amazon Linux, ext4 on Ubuntu) or ext4-static. On Amazon Linux 2023,
                          which has no btrfs-progs, the default is lvm.
  --device <dev>          Start on this EBS volume or NVMe instance-store disk instead of a new volume.
  --initial-size <GiB>    Size of the new first volume (default: the configuration's, 200).
  --timeout <s>           Give up, exit non-zero, after this long (default 300).
  --unit-dir <dir>        Where the systemd unit goes (default /etc/systemd/system).
  --fstab <file>          The fstab to add the mount to, by UUID with nofail (default /etc/fstab).
  --simulator <url>       Use this EC2 endpoint (e.g. the simulator's) with test credentials.
  --imds <url>            Use this instance metadata endpoint.
  --dev-root <dir>        Find volumes' device nodes here, not /dev (the simulator's sandbox).
  --sys-root <dir>        Read their sysfs entries here, not /sys.
  --bytes-per-gib <n>     The simulator's size scale; written into the unit's run line with the
                          options above, so the service runs in the same world.
`,
    common: true,
  },
  uninstall: {
    summary: "Stop, disable and remove one mount point's agent. Data stays unless --release-volumes.",
    options: `${MOUNT_POINT_OPTIONS}  --release-volumes       Also unmount, remove the fstab line, and detach and delete the volumes
                          the agent created (every file on them is lost).
  -y, --yes               Confirm --release-volumes without typing the mount point.
  --unit-dir <dir>        Where the systemd unit is (default /etc/systemd/system).
  --fstab <file>          The fstab to remove the mount from (default /etc/fstab).
  --simulator <url>       Use this EC2 endpoint (e.g. the simulator's) with test credentials.
  --imds <url>            Use this instance metadata endpoint.
  --dev-root <dir>        Find volumes' device nodes here, not /dev (the simulator's sandbox).
  --sys-root <dir>        Read their sysfs entries here, not /sys.
`,
    common: true,
  },
  config: { summary: 'Check a configuration file and print it normalised.', options: MOUNT_POINT_OPTIONS, common: true },
  'iam-policy': {
    summary: 'Print the least-privilege IAM policy the configured agent needs.',
    options: `  --region <region>       Confine resources to a region (default any).
  --account <id>          Confine resources to an account (default any).
  --instance-tag <k=v>    Confine attach/detach to instances with this tag.
  --artifact <s3-url>     Also allow s3:GetObject on the release artifact the user data fetches
                          and the SHA256SUMS beside it.
`,
    common: true,
  },
  userdata: {
    summary: 'Print EC2 user data (MIME multi-part, for launch templates and AWS Batch) that installs the agent at boot.',
    options: `  --artifact <url>        The release tarball: s3://bucket/key.tar.gz (fetched with the AWS CLI) or
                          https://… (curl). Built by \`pnpm release\`. Required.
  --sha256 <hex>          Its SHA-256 (from SHA256SUMS). Required for https; for s3 without it, the
                          SHA256SUMS beside the tarball is fetched and checked.
  --os <al2023|ubuntu>    The AMI's distribution (default al2023): dnf or apt for the packages.
  --driver <name>         btrfs, lvm or ext4-static (default: lvm, a thin pool with xfs, on al2023;
                          btrfs on ubuntu).
  -m, --mountpoint <dir>  Mount point to grow (default /scratch; /var/lib/docker for containers).
  --before <unit>         A unit that starts only once the mount exists; repeatable (default
                          docker.service and ecs.service for /var/lib/docker, else ecs.service).
  -- <args…>              Extra arguments for \`ebs-autoscale install\` (e.g. --initial-size 100).
`,
    common: false,
  },
  reserve: {
    summary: 'Reserve SIZE (e.g. 300GiB) for a job before it writes: the agent grows until it is free. Prints the id.',
    options: `${RESERVATION_SOCKET_OPTIONS}  --ttl <duration>        How long it counts once granted, e.g. 6h or 90m (default 6h).
  --wait                  Return only once it is granted (exit 1 when the limits cannot cover it).
  --holder <name>         Who holds it, for the status and the log (e.g. a job id).
  --pid <pid>             Release it when this process exits (a PID the agent sees: the host's).
  --json                  Print the reservation as JSON instead of its id.
`,
    common: false,
  },
  release: {
    summary: 'End a reservation: release ID (the id reserve printed).',
    options: `${RESERVATION_SOCKET_OPTIONS}  --json                  Print the answer as JSON.
`,
    common: false,
  },
};

/** The help text: every command and option, in one place. */
export const USAGE = `Usage: ebs-autoscale <command> [options]

Grows a mount point on EC2 by adding EBS volumes while it is in use.

Commands:
${Object.entries(COMMANDS)
  .map(([name, help]) => `  ${name.padEnd(20)}${help.summary}\n`)
  .join('')}  help [command]      Show this text, or one command's.
  <command> --help    The same as \`help <command>\`.

Common options:
${COMMON_OPTIONS}${Object.entries(COMMANDS)
  .filter(([, help]) => help.options)
  .map(([name, help]) => `\n${name}:\n${help.options}`)
  .join('')}`;

/** One command's help, or undefined when there is no such command. */
export function commandUsage(command: string): string | undefined {
  const help = COMMANDS[command];
  if (!help) return undefined;
  const options = help.options + (help.common ? COMMON_OPTIONS : '');
  return `Usage: ebs-autoscale ${command}${options ? ' [options]' : ''}\n\n${help.summary}\n${options ? `\nOptions:\n${options}` : ''}`;
}

/** Whether the arguments ask for help (`-h`/`--help` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
