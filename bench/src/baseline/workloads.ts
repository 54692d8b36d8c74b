import { GIB, MIB } from '@ebs-autoscale/core';
import type { LatencyProfileName } from '@ebs-autoscale/ec2-sim';

/** A stretch of a fill: from `fromS` to `toS` seconds after the start, `mibps` MiB/s. */
export interface FillSegment {
  readonly fromS: number;
  readonly toS: number;
  readonly mibps: number;
}

/** One fill workload, written into both mounts at once. */
export interface Fill {
  readonly name: string;
  readonly seconds: number;
  readonly segments: readonly FillSegment[];
}

/** The fills of issue 15: constant 16 and 64 MiB/s for 60 s, and a burst. `seconds` shortens them all (for trial runs). */
export function fills(seconds = 60): Fill[] {
  return [
    { name: '16 MiB/s', seconds, segments: [{ fromS: 0, toS: seconds, mibps: 16 }] },
    { name: '64 MiB/s', seconds, segments: [{ fromS: 0, toS: seconds, mibps: 64 }] },
    // A job unpacking its input: 1 GiB at 256 MiB/s after a quiet start, then a trickle.
    {
      name: 'burst',
      seconds,
      segments: [
        { fromS: Math.min(5, seconds / 6), toS: Math.min(5, seconds / 6) + 4, mibps: 256 },
        { fromS: Math.min(9, seconds / 3), toS: seconds, mibps: 2 },
      ],
    },
  ];
}

/** MiB/s at `t` seconds into a fill. */
export function rateAt(fill: Fill, t: number): number {
  return fill.segments.filter((s) => t >= s.fromS && t < s.toS).reduce((sum, s) => sum + s.mibps, 0);
}

/** The EC2 world both agents run in: the simulator's scale, latencies and the volume sizes, the same for both. */
export interface World {
  readonly name: string;
  /** Real bytes per simulated GiB. */
  readonly bytesPerGiB: number;
  readonly latencies: LatencyProfileName;
  readonly initialSizeGiB: number;
  readonly minVolumeGiB: number;
  readonly maxVolumeGiB: number;
  readonly maxAttachedVolumes: number;
  readonly maxTotalGiB: number;
  /** What the world stands for, for the report. */
  readonly description: string;
}

/** The same limits in both worlds; only the size scale and EC2's latencies differ. */
const SIZES = { initialSizeGiB: 2, minVolumeGiB: 2, maxVolumeGiB: 4, maxAttachedVolumes: 16, maxTotalGiB: 200 } as const;

/**
 * `scaled` is the demo's and the CLI tests' world: 1 GiB = 128 MiB and a quarter of EC2's latencies,
 * so a 2 GiB volume fills in seconds, which exaggerates the ENOSPC of an agent that reacts slowly.
 * `realistic` is 1 GiB = 1 GiB with the simulator's measured EC2 latencies: a volume takes as long to
 * fill as a real one of that size would.
 */
export const WORLDS: Record<'scaled' | 'realistic', World> = {
  scaled: {
    name: 'scaled',
    bytesPerGiB: 128 * MIB,
    latencies: 'quick',
    ...SIZES,
    description: "1 GiB = 128 MiB of loop file, the simulator's `quick` latencies (a quarter of EC2's)",
  },
  realistic: {
    name: 'realistic',
    bytesPerGiB: GIB,
    latencies: 'realistic',
    ...SIZES,
    description: "1 GiB = 1 GiB of loop file, the simulator's `realistic` latencies (EC2's measured times)",
  },
};
