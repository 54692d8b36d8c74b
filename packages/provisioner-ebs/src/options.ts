import type { EC2ClientConfig } from '@aws-sdk/client-ec2';
import type { Clock } from '@ebs-autoscale/core';
import type { Ec2Api } from './ec2-api.js';
import type { MetadataClient } from './instance-identity.js';
import type { EbsLimits } from './limits.js';
import type { EbsSchedules } from './schedules.js';
import type { VolumeSpec } from './volume-types.js';

/** Options of {@link EbsProvisioner}. Only `mountPoint` is required. */
export interface EbsProvisionerOptions {
  /** The mount point this agent grows; tagged on every volume so several agents can share an instance. */
  mountPoint: string;
  /** Type, IOPS, throughput and encryption of new volumes. Default gp3, encrypted with the account's default key. */
  volume?: VolumeSpec | undefined;
  /** Limits checked before any mutating call; merged over {@link DEFAULT_EBS_LIMITS}. */
  limits?: Partial<EbsLimits> | undefined;
  /**
   * What `reconcile()` does with a volume of ours left `available` by a crash between create and attach.
   * Default `delete`: the volume never reached the filesystem, so it holds no data, and attaching it
   * would add a device the filesystem driver is not told about; deleting stops the bill, and the
   * autoscaler provisions again when it needs space. `attach` only suits embedders that add every
   * attached device themselves after reconcile.
   */
  orphans?: 'attach' | 'delete' | undefined;
  /** Extra tags for every new volume (`aws:*` keys are dropped). */
  tags?: Record<string, string> | undefined;
  /** The EC2 API. Default an SDK v3 `EC2Client` for the instance's region (see `createEc2Api`). */
  ec2?: Ec2Api | undefined;
  /** Configuration for the default EC2 client, e.g. `{ endpoint, credentials }`. `maxAttempts` is forced to 1. */
  ec2ClientConfig?: EC2ClientConfig | undefined;
  /** The IMDS client. Default the SDK's `MetadataService`, IMDSv2 only. */
  metadata?: MetadataClient | undefined;
  /** The IMDS endpoint for the default client. Default the SDK's (169.254.169.254, or `AWS_EC2_METADATA_SERVICE_ENDPOINT`). */
  metadataEndpoint?: string | undefined;
  /** Where device nodes live. Default `/dev`. */
  devRoot?: string | undefined;
  /** Where sysfs is mounted. Default `/sys`. */
  sysRoot?: string | undefined;
  /** Retry and polling schedules, merged over {@link DEFAULT_SCHEDULES} (whose comment gives the measurements behind them). */
  schedules?: { [K in keyof EbsSchedules]?: Partial<EbsSchedules[K]> } | undefined;
  /** Default the system clock. */
  clock?: Clock | undefined;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: (() => number) | undefined;
  /** Makes the base of each CreateVolume ClientToken. Default `crypto.randomUUID`. */
  clientToken?: (() => string) | undefined;
}
