import { parseV1Config } from '../config/v1-config.js';
import type { AgentConfig } from '../config/agent-config.js';

/**
 * The demo's configuration: real policy and limits, scaled down. The simulator maps 1 GiB of EBS to
 * `bytesPerGiB` real bytes, so the sizes below are EBS sizes while the loop files stay small.
 */
export function demoConfig(mountPoint: string, initialSizeGiB: number): AgentConfig {
  return parseV1Config({
    version: 1,
    mountPoint,
    driver: { kind: 'btrfs' },
    // Predictive: it watches the fill rate, so a fast writer gets room before the threshold.
    policy: { kind: 'predictive', intervalSeconds: 0.5, leadTimeSeconds: 3, rateWindowSeconds: 10, horizonSeconds: 60 },
    volume: { type: 'gp3' },
    initialVolume: { sizeGiB: initialSizeGiB },
    limits: { minVolumeGiB: 2, maxVolumeGiB: 16, maxTotalCreatedGiB: 200, maxAttachedVolumes: 24 },
    logging: { level: 'info', summaryIntervalSeconds: 5 },
  });
}
