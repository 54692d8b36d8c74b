import { buildUserData, type UserDataOptions } from '@ebs-autoscale/cli';

/** Docker's data root, which the agent grows. */
export const DOCKER_DATA_ROOT = '/var/lib/docker';

/**
 * Docker's configuration for its data root on the grown filesystem. The storage driver is the one Docker
 * documents for that backing filesystem: `overlay2` on xfs (what the LVM thin pool gets on AL2023; mkfs.xfs
 * makes ftype=1, which overlay2 needs) and `btrfs` on btrfs (Ubuntu's default driver here). The classic
 * image store is pinned, because Docker Engine 29+ defaults fresh installs to containerd's, which keeps
 * image layers under /var/lib/containerd, outside the mount that grows.
 */
export function dockerDaemonJson(filesystem: 'btrfs' | 'xfs') {
  return {
    'data-root': DOCKER_DATA_ROOT,
    'storage-driver': filesystem === 'btrfs' ? 'btrfs' : 'overlay2',
    features: { 'containerd-snapshotter': false },
  } as const;
}

/** What the example takes: where the artifact is, and which AMI. */
export type BatchDockerOptions = Pick<UserDataOptions, 'artifact' | 'sha256' | 'os' | 'installArgs'>;

/**
 * Launch-template user data for an AWS Batch compute environment: what `ebs-autoscale userdata -m
 * /var/lib/docker` prints (Docker and ECS ordered after the mount), plus `/etc/docker/daemon.json`,
 * written at boot before Docker first starts.
 *
 * @example
 * ```ts
 * writeFileSync('userdata.mime', batchDockerUserData({ artifact: 's3://my-bucket/ebs-autoscale-0.1.0-linux-arm64.tar.gz' }));
 * ```
 */
export function batchDockerUserData(options: BatchDockerOptions): string {
  const daemon = dockerDaemonJson(options.os === 'ubuntu' ? 'btrfs' : 'xfs');
  return buildUserData({
    ...options,
    mountPoint: DOCKER_DATA_ROOT,
    files: [{ path: '/etc/docker/daemon.json', content: `${JSON.stringify(daemon, null, 2)}\n` }],
  });
}
