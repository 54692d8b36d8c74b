import type { CommandRunner } from '@ebs-autoscale/core';
import type { BuildAgentOptions } from '../agent/build-agent.js';

/** Where install and uninstall touch the outside world; each one injectable for tests. */
export interface HostPaths {
  /** The agent's configuration file. Default `/etc/ebs-autoscale.json`. */
  readonly configPath: string;
  /** Where the unit goes. Default `/etc/systemd/system`. */
  readonly unitDir: string;
  /** The fstab to add the mount to. Default `/etc/fstab`. */
  readonly fstabPath: string;
  /** Runs `systemctl`, `mkfs.btrfs`, `mount`, `umount`. */
  readonly runner: CommandRunner;
  /** The EC2 and IMDS endpoints and the device roots, as `run` and the demo pass them. */
  readonly world?: Pick<BuildAgentOptions, 'ec2ClientConfig' | 'metadataEndpoint' | 'devRoot' | 'sysRoot'>;
  /** Where os-release is read. Default `/etc/os-release`, then `/usr/lib/os-release`. */
  readonly osReleasePaths?: readonly string[];
}

/** Options of `installAgent`. */
export interface InstallOptions extends HostPaths {
  /** The mount point; used for a new configuration (an existing one keeps its own). */
  readonly mountPoint?: string;
  /** An existing EBS volume or NVMe instance-store disk to start on, instead of a new volume. */
  readonly device?: string;
  /**
   * The driver of a new configuration (an existing one keeps its own). Default btrfs, or LVM where the
   * distribution has no btrfs (Amazon Linux 2023).
   */
  readonly driver?: 'btrfs' | 'lvm' | 'ext4-static';
  /** Whether a tool is installed. Default: looks on PATH and in the sbin directories. */
  readonly hasTool?: (tool: string) => Promise<boolean>;
  /** Size of the new first volume, GiB; default the configuration's `initialVolume.sizeGiB`. */
  readonly initialSizeGiB?: number;
  /** Overall deadline, ms. */
  readonly timeoutMs: number;
  /** The node binary and `bin/ebs-autoscale.js` the unit runs. */
  readonly nodePath: string;
  readonly binPath: string;
  /** Extra `run` arguments for the unit (`--simulator`, `--imds`, the sandbox roots and size scale). */
  readonly runArgs?: readonly string[];
  /** Progress lines for the operator. */
  readonly say?: (line: string) => void;
}
