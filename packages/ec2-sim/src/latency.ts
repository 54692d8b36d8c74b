/** How long one transition takes. */
export type LatencyDistribution =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly p99Ms: number };

/** Latency of every asynchronous transition the simulator runs. */
export interface LatencyProfile {
  /** `creating` → `available`. */
  readonly create: LatencyDistribution;
  /** Attachment `attaching` → `attached`. */
  readonly attach: LatencyDistribution;
  /** Attachment `attached` → the device shows up in the sandbox (loop backing). */
  readonly deviceAppear: LatencyDistribution;
  /** Attachment `detaching` → volume `available`. */
  readonly detach: LatencyDistribution;
  /** `deleting` → gone. */
  readonly delete: LatencyDistribution;
  /** Modification `modifying` → `optimizing` (the new size takes effect). */
  readonly modify: LatencyDistribution;
  /** Modification `optimizing` → `completed`. */
  readonly optimize: LatencyDistribution;
}

/**
 * Latencies as measured on EC2. Volume creation: median ~1.5 s, p99 ~4 s, the figures the
 * kubernetes-sigs/aws-ebs-csi-driver maintainers measured when tuning their volume-creation wait
 * backoff (pkg/cloud). Attach 1–4 s and "size changes usually take a few seconds" (EBS user guide,
 * "Monitor the progress of volume modifications").
 */
export const REALISTIC_LATENCIES: LatencyProfile = {
  create: { kind: 'lognormal', medianMs: 1_500, p99Ms: 4_000 },
  attach: { kind: 'uniform', minMs: 1_000, maxMs: 4_000 },
  deviceAppear: { kind: 'uniform', minMs: 50, maxMs: 500 },
  detach: { kind: 'uniform', minMs: 1_000, maxMs: 5_000 },
  delete: { kind: 'uniform', minMs: 500, maxMs: 2_000 },
  modify: { kind: 'uniform', minMs: 2_000, maxMs: 6_000 },
  optimize: { kind: 'uniform', minMs: 10_000, maxMs: 60_000 },
};

const ZERO: LatencyDistribution = { kind: 'fixed', ms: 0 };

/** Every transition immediate (still asynchronous: a state is observable once before it moves on). */
export const ZERO_LATENCIES: LatencyProfile = {
  create: ZERO,
  attach: ZERO,
  deviceAppear: ZERO,
  detach: ZERO,
  delete: ZERO,
  modify: ZERO,
  optimize: ZERO,
};

/**
 * EC2's sequence and spread (create, then attach, then the device appears) at about a quarter of the
 * measured times in {@link REALISTIC_LATENCIES}, for demos and tests that should show real ordering
 * and polling but finish in seconds: a scale-up takes about 2.5 s, most of it the provisioner's own
 * polling schedule. The `ebs-autoscale demo` command runs on it.
 */
export const QUICK_LATENCIES: LatencyProfile = {
  create: { kind: 'uniform', minMs: 300, maxMs: 1_000 },
  attach: { kind: 'uniform', minMs: 250, maxMs: 900 },
  deviceAppear: { kind: 'uniform', minMs: 20, maxMs: 150 },
  detach: { kind: 'uniform', minMs: 250, maxMs: 1_000 },
  delete: { kind: 'uniform', minMs: 100, maxMs: 500 },
  modify: { kind: 'uniform', minMs: 500, maxMs: 1_500 },
  optimize: { kind: 'uniform', minMs: 2_000, maxMs: 10_000 },
};

/** A named latency profile: `zero`, `quick` ({@link QUICK_LATENCIES}) or `realistic`. */
export type LatencyProfileName = 'zero' | 'quick' | 'realistic';

/** Turns the `latencies` option into a full profile. */
export function resolveLatencies(option: LatencyProfileName | Partial<LatencyProfile> | undefined): LatencyProfile {
  if (option === 'zero') return ZERO_LATENCIES;
  if (option === 'quick') return QUICK_LATENCIES;
  if (option === undefined || option === 'realistic') return REALISTIC_LATENCIES;
  return { ...REALISTIC_LATENCIES, ...option };
}

/** z of the 99th percentile of the standard normal distribution. */
const Z99 = 2.326;

/** Draws one latency in milliseconds. */
export function sampleLatency(distribution: LatencyDistribution, random: () => number): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.ms;
    case 'uniform':
      return distribution.minMs + random() * (distribution.maxMs - distribution.minMs);
    case 'lognormal': {
      // Box–Muller; sigma is chosen so the 99th percentile lands on p99Ms.
      const sigma = Math.log(distribution.p99Ms / distribution.medianMs) / Z99;
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return distribution.medianMs * Math.exp(sigma * normal);
    }
  }
}
