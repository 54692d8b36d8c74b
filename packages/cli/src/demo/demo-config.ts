import { MIB } from '@ebs-autoscale/core';
import { parseV1Config } from '../config/v1-config.js';
import type { AgentConfig } from '../config/agent-config.js';

/**
 * The demo's defaults, chosen by running it on a 2-core machine with another process busy on one
 * core: 30 s at 16 MiB/s onto a 256 MiB first volume gives two scale-ups (at about 2 s and 18 s) and no ENOSPC.
 * The first volume must fill well within the run, while each scale-up (about 2.5 s with
 * the quick latencies) must fit well inside the time to full the policy sees.
 */
export const DEMO_DEFAULTS = {
  rateMiBps: 16,
  durationSeconds: 30,
  initialSizeGiB: 2,
  /**
   * 1 simulated GiB = 128 MiB of loop file. Sizes below a few hundred MiB are pathological for btrfs:
   * DUP metadata and system chunks take 80 MiB of a 256 MiB device (a third), so this is the floor.
   */
  bytesPerGiB: 128 * MIB,
} as const;

/**
 * The demo's configuration: the real predictive policy and limits, with every policy option pinned so
 * a change of the library's defaults does not change the demo. Sizes are EBS GiB; the simulator maps
 * each to `bytesPerGiB` real bytes, which is why the policy's own volume sizing (in real bytes of
 * growth) is generous here, and why `minVolumeGiB` keeps each added volume at 2 GiB or more.
 */
export function demoConfig(mountPoint: string, initialSizeGiB: number, leadTimeSeconds = 3): AgentConfig {
  return parseV1Config({
    version: 1,
    mountPoint,
    driver: { kind: 'btrfs' },
    policy: {
      kind: 'predictive',
      // Sample every 0.5 s: sysfs reads cost microseconds, and the fill rate is estimated from samples.
      intervalSeconds: 0.5,
      // The backstop: at 90 % of a 256 MiB btrfs only ~25 MiB are left, 2 s at the default rate; the
      // prediction below is what is meant to act first.
      initialThresholdPercent: 80,
      // A first guess of the scale-up time (3 s with the quick latencies); once one is measured, the
      // slowest recent one counts.
      leadTimeSeconds,
      // Scale when the projected time to full is under 3 × the lead time: a loaded machine slows the
      // btrfs device add and the agent's own timers, and the demo promises zero ENOSPC.
      safetyFactor: 3,
      rateWindowSeconds: 5,
      // The shortest horizon the configuration allows. The predicted growth still exceeds a 2 GiB
      // volume, so maxVolumeGiB below holds each at 2 GiB (256 MiB on disk) and a 30 s demo shows two
      // scale-ups, not one big one (with 4 GiB allowed it was one).
      horizonSeconds: 60,
      // Off: the net is sized in real bytes for gp3 at 1000 MiB/s (14.6 GiB), which on the demo's scaled
      // devices would keep half of every filesystem free and hide the prediction the demo is there to show.
      minFreeSeconds: 0,
    },
    volume: { type: 'gp3' },
    initialVolume: { sizeGiB: initialSizeGiB },
    limits: { minVolumeGiB: 2, maxVolumeGiB: 2, maxTotalCreatedGiB: 200, maxAttachedVolumes: 24 },
    logging: { level: 'info', summaryIntervalSeconds: 5 },
  });
}
