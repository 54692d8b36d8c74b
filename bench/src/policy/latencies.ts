import { REALISTIC_LATENCIES } from '@ebs-autoscale/ec2-sim';
import { constant, logNormal, uniform, type Distribution } from '../sim/random.js';

/**
 * How long each step of adding a volume takes, seconds. Every default names where it comes from; all
 * are options, so a reader with better measurements can rerun with theirs.
 */
export interface Latencies {
  /** CreateVolume returned → volume `available`. EBS CSI driver figures: median ~1.5 s, p99 ~4 s. */
  readonly create: Distribution;
  /** AttachVolume returned → attachment `attached`. EBS CSI driver figures: 1–4 s. */
  readonly attach: Distribution;
  /** `attached` → block device visible to the kernel (udev, nvme rescan). Assumed 0.2–1 s. */
  readonly deviceVisible: Distribution;
  /** One EC2 API round trip from an SDK client in-region. Assumed log-normal, median 0.1 s, p99 0.5 s. */
  readonly api: Distribution;
  /**
   * One `aws` CLI invocation: Python start-up, loading the service model, credentials from IMDS, and
   * the request. Not published; assumed log-normal, median 0.8 s, p99 2 s (CLI v2 on a small instance).
   */
  readonly cli: Distribution;
  /** The filesystem taking the device: `btrfs device add` (ours and the baseline). Assumed 0.5–2 s. */
  readonly fsAdd: Distribution;
  /** The baseline's `btrfs balance start -m` after every add. Assumed 1–5 s on a young filesystem. */
  readonly fsBalance: Distribution;
  /**
   * ModifyVolume accepted → the modification `optimizing` (the new size usable). ec2-sim's
   * `REALISTIC_LATENCIES.modify` (2–6 s), from the EBS user guide's "size changes usually take a few
   * seconds" ("Monitor the progress of volume modifications"); no distribution is published.
   */
  readonly modify: Distribution;
  /**
   * `btrfs filesystem resize <devid>:max` onto an enlarged device (hybrid growth). Assumed 0.1–1 s:
   * online and metadata only (the device's size in the chunk tree and superblock), no data moves.
   */
  readonly fsResize: Distribution;
}

/** ec2-sim's uniform latency, in seconds: one home for the simulator's figure. */
function fromSimulator(name: keyof typeof REALISTIC_LATENCIES): Distribution {
  const latency = REALISTIC_LATENCIES[name];
  if (latency.kind !== 'uniform') throw new Error(`bench/src/policy/latencies.ts: ec2-sim's ${name} latency is ${latency.kind}, expected uniform.`);
  return uniform(latency.minMs / 1000, latency.maxMs / 1000);
}

/**
 * The defaults. EBS figures: the EBS CSI driver's reported create and attach latencies, which also
 * shape its attach poll (`volumeAttachmentStatePollDelay` 1 s × 1.8 in
 * kubernetes-sigs/aws-ebs-csi-driver `pkg/cloud/cloud.go`). Everything marked "assumed" above is ours.
 */
export const DEFAULT_LATENCIES: Latencies = {
  create: logNormal(1.5, 4),
  attach: uniform(1, 4),
  deviceVisible: uniform(0.2, 1),
  api: logNormal(0.1, 0.5),
  cli: logNormal(0.8, 2),
  fsAdd: uniform(0.5, 2),
  fsBalance: uniform(1, 5),
  modify: fromSimulator('modify'),
  fsResize: uniform(0.1, 1),
};

/** Latencies with no randomness, for tests that want exact timelines. */
export const FIXED_LATENCIES: Latencies = {
  create: constant(1.5),
  attach: constant(2),
  deviceVisible: constant(0.5),
  api: constant(0.1),
  cli: constant(0.8),
  fsAdd: constant(1),
  fsBalance: constant(2),
  modify: constant(4),
  fsResize: constant(0.5),
};
