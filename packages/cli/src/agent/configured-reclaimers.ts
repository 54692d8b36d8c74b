import type { SpaceReclaimer } from '@ebs-autoscale/core';
import type { AgentConfig } from '../config/agent-config.js';

/**
 * The reclaimers the configuration asks for. The Docker one follows the host's ECS settings
 * (ecs.config, then the agent's own environment) where the configuration does not set a knob, so a
 * Batch host's reclaimer keeps what the ECS agent would keep. Loaded only when configured.
 */
export async function configuredReclaimers(config: AgentConfig, env: NodeJS.ProcessEnv = process.env): Promise<SpaceReclaimer[]> {
  const docker = config.reclaim?.docker;
  if (!docker) return [];
  const { createDockerReclaimer, readEcsCleanupKnobs, readEcsConfigFile } = await import('@ebs-autoscale/reclaimer-docker');
  const fromHost = readEcsCleanupKnobs({ ...(await readEcsConfigFile(docker.ecsConfigFile)), ...env });
  return [createDockerReclaimer({ ...fromHost, ...docker.knobs, ...(docker.socket ? { socketPath: docker.socket } : {}) })];
}
