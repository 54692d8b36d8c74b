import type { ScalingLimits, ShrinkRule } from '@ebs-autoscale/core';
import type { EbsVolumeType } from '@ebs-autoscale/provisioner-ebs';
import type { GrowthConfig } from './growth-and-shrink-config.js';
import type { ReclaimConfig, ReservationsConfig } from './reclaim-config.js';

/** Which filesystem driver owns the mount point, with its own settings. */
export type DriverConfig =
  | { readonly kind: 'btrfs' }
  | {
      readonly kind: 'lvm';
      /** `linear` is amazon-ebs-autoscale's `lvm.ext4`; `thin-pool` (our format's default) also watches the pool's metadata. */
      readonly layout: 'thin-pool' | 'linear';
      readonly volumeGroup: string;
      readonly logicalVolume: string;
      /** Absent: the distribution's preference (xfs on Amazon Linux, ext4 elsewhere), or what is already mounted. */
      readonly filesystem?: 'ext4' | 'xfs';
    }
  | { readonly kind: 'ext4-static' };

/** Which scaling policy decides, with its options (see `@ebs-autoscale/core`). */
export type PolicyConfig =
  | { readonly kind: 'compatibility'; readonly initialThresholdPercent: number; readonly intervalMs: number }
  | {
      readonly kind: 'predictive';
      /** Absent: core's default (98), since the prediction, not the threshold, is what scales early. */
      readonly initialThresholdPercent?: number;
      readonly intervalMs: number;
      readonly leadTimeSeconds?: number;
      readonly safetyFactor?: number;
      readonly horizonSeconds?: number;
      readonly rateWindowSeconds?: number;
      readonly minFreeSeconds?: number;
    };

/** How new EBS volumes are created. */
export interface VolumeConfig {
  readonly type: EbsVolumeType;
  readonly iops?: number;
  readonly throughput?: number;
  readonly encrypted: boolean;
  /** KMS key id or ARN; absent for the account's default EBS key. */
  readonly kmsKeyId?: string;
  /** Extra tags on every volume the agent creates, besides its ownership tag. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Log level names, pino's. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The one configuration the agent runs on. Both file formats (amazon-ebs-autoscale's and ours)
 * normalise into it, so nothing past loading knows which format a host uses.
 */
export interface AgentConfig {
  /** Which file format it was read from. */
  readonly format: 'amazon-ebs-autoscale' | 'v1';
  readonly mountPoint: string;
  readonly driver: DriverConfig;
  readonly policy: PolicyConfig;
  readonly volume: VolumeConfig;
  /** The volume `install` creates when no device is given. */
  readonly initialVolume: { readonly sizeGiB: number; readonly device?: string };
  readonly limits: ScalingLimits;
  /** What start-up reconciliation does with owned volumes left unattached by a crash. */
  readonly reconcile: { readonly orphans: 'attach' | 'delete' };
  /** Require IMDSv2 tokens for instance metadata (amazon-ebs-autoscale's `imdsv2`); we always use v2, so this is informational. */
  readonly imdsv2: boolean;
  /** Prometheus metrics; off when `port` is absent. */
  readonly metrics: { readonly port?: number; readonly host: string };
  readonly logging: {
    readonly level: LogLevel;
    /** Also append JSON lines to this file (amazon-ebs-autoscale's `log_file`). */
    readonly file?: string;
    /** Seconds between usage summary lines; events are always logged. */
    readonly summaryIntervalSeconds: number;
  };
  /** What frees space before a volume is bought (our format only); absent: nothing. */
  readonly reclaim?: ReclaimConfig;
  /** The local reservation API on a unix socket; absent: on, for root only. */
  readonly reservations?: ReservationsConfig;
  /** How a scale-up adds capacity (our format only); absent: the driver's one way (btrfs adds devices). */
  readonly growth?: GrowthConfig;
  /** When a device the agent added is given back (our format only, btrfs only); absent: never. */
  readonly shrink?: ShrinkRule;
}

/** The defaults of amazon-ebs-autoscale's install.sh, which ours keep. */
export const INSTALL_DEFAULTS = Object.freeze({
  mountPoint: '/scratch',
  initialSizeGiB: 200,
  volumeType: 'gp3' as EbsVolumeType,
  iops: 3000,
  throughput: 125,
  initialThresholdPercent: 50,
  detectionIntervalSeconds: 2,
  logFile: '/var/log/ebs-autoscale.log',
  volumeGroup: 'autoscale_vg',
  logicalVolume: 'autoscale_lv',
});
