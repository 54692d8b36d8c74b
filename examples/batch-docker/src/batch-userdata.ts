import { buildUserData, type UserDataOptions } from '@ebs-autoscale/cli';

/** Docker's data root, which the agent grows. */
export const DOCKER_DATA_ROOT = '/var/lib/docker';

/**
 * Docker's configuration for a data root on btrfs. `btrfs` is the storage driver Docker documents for a
 * btrfs backing filesystem (overlay2 is documented on ext4 and xfs only). The classic image store is
 * pinned, because Docker Engine 29+ defaults fresh installs to containerd's, which keeps image layers
 * under /var/lib/containerd, outside the mount that grows.
 */
export const DOCKER_DAEMON_JSON = {
  'data-root': DOCKER_DATA_ROOT,
  'storage-driver': 'btrfs',
  features: { 'containerd-snapshotter': false },
} as const;

/**
 * Launch-template user data for an AWS Batch compute environment: what `ebs-autoscale userdata -m
 * /var/lib/docker` prints (Docker stopped around `install`), plus `/etc/docker/daemon.json`.
 *
 * @example
 * ```ts
 * writeFileSync('userdata.mime', batchDockerUserData({ installArgs: ['--initial-size', '200'] }));
 * ```
 */
export function batchDockerUserData(options: Omit<UserDataOptions, 'mountPoint'> = {}): string {
  return buildUserData({
    ...options,
    mountPoint: DOCKER_DATA_ROOT,
    files: [...(options.files ?? []), { path: '/etc/docker/daemon.json', content: `${JSON.stringify(DOCKER_DAEMON_JSON, null, 2)}\n` }],
  });
}
