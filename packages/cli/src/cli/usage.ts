/** The help text: every command and option, in one place. */
export const USAGE = `Usage: ebs-autoscale <command> [options]

Grows a mount point on EC2 by adding EBS volumes while it is in use.

Commands:
  run                 Run the agent for the configured mount point (the systemd service runs this).
  status              Show the running agent's usage, gauges, devices, volumes, limits, last decision.
  demo                Run the agent against a local EC2 simulator on loop devices and fill the mount.
  config              Check a configuration file and print it normalised.
  iam-policy          Print the least-privilege IAM policy the configured agent needs.
  userdata            Print EC2 user data (MIME multi-part cloud-config) that installs the agent.
  help                Show this text.

Common options:
  -c, --config <file>     Configuration file (default /etc/ebs-autoscale.json). Reads
                          amazon-ebs-autoscale's format as it is, or ours ("version": 1).
  --run-dir <dir>         Lock and status directory (default /run/ebs-autoscale).

run:
  --simulator <url>       Use this EC2 endpoint (e.g. the simulator's) with test credentials.
  --imds <url>            Use this instance metadata endpoint.
  --metrics-port <port>   Serve Prometheus metrics on 127.0.0.1:<port>/metrics.
  --log-level <level>     trace, debug, info, warn, error, fatal or silent.
  --json-logs             JSON lines even on a terminal.

status:
  -m, --mountpoint <dir>  Which agent (default: the configured mount point).
  --json                  The raw status as JSON.

demo:
  --rate <MiB/s>          How fast to fill the mount (default 40).
  --duration <s>          How long to fill (default 30).
  --initial-size <GiB>    Size of the first simulated volume (default 2).

iam-policy:
  --region <region>       Confine resources to a region (default any).
  --account <id>          Confine resources to an account (default any).
  --instance-tag <k=v>    Confine attach/detach to instances with this tag.

userdata:
  -m, --mountpoint <dir>  Mount point to grow (default /scratch; /var/lib/docker for containers).
  --package <spec>        npm spec or tarball URL to install (default @ebs-autoscale/cli).
  -- <args…>              Extra arguments for \`ebs-autoscale install\`.
`;
