import type { ReclaimResult, SpaceReclaimer } from '@ebs-autoscale/core';
import { connectDocker, type DockerEngine } from './docker-engine.js';
import type { EcsCleanupKnobs } from './ecs-knobs.js';
import { planReclaim, type PlannedImage, type ReclaimRules } from './plan.js';
import { removeContainer, removeImage } from './remove.js';
import { readDockerSnapshot } from './snapshot.js';

/**
 * Options of `createDockerReclaimer()`. The cleanup knobs carry ECS's names in their docs and ECS's
 * defaults, so `{ ...readEcsCleanupKnobs() }` makes the reclaimer follow a host's ECS configuration.
 */
export interface DockerReclaimerOptions extends EcsCleanupKnobs {
  /** The Engine API's unix socket; default `DOCKER_HOST` when it is `unix://…`, else /var/run/docker.sock. */
  socketPath?: string;
  /** A client to use instead of connecting to `socketPath`. */
  docker?: DockerEngine;
  /** The clock the ages are measured on; default `Date.now`. */
  now?: () => number;
}

// ECS's own defaults (https://github.com/aws/amazon-ecs-agent#environment-variables): stopped task
// containers are kept 3 h for debugging, an image is at least 1 h old before it goes, 5 per cycle.
export const DOCKER_RECLAIMER_DEFAULTS = {
  stoppedContainerMinAgeMs: 3 * 3_600_000,
  imageMinAgeMs: 3_600_000,
  maxImagesPerCycle: 5,
  // ECS never removes its own agent and pause images, which every task needs.
  excludedImages: ['amazon/amazon-ecs-agent:latest', 'amazon/amazon-ecs-pause:0.1.0'],
  removeImages: true,
} as const;

/** Thrown when a removal fails for a reason other than "already gone" or "in use"; says what was freed. */
export class DockerReclaimError extends Error {
  constructor(
    message: string,
    readonly partial: ReclaimResult,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DockerReclaimError';
  }
}

/**
 * A `SpaceReclaimer` for a Docker host: removes stopped containers older than the task cleanup wait,
 * then images that no container uses, least recently used first (see `lastUsedMs` for what "used"
 * means when Docker keeps no such time). Never forces a removal, so the daemon itself refuses to
 * delete an image any container still uses, even one created after the plan was made.
 *
 * @example
 * const reclaimer = createDockerReclaimer({ ...readEcsCleanupKnobs(), socketPath: '/var/run/docker.sock' });
 * const { bytesFreed } = await reclaimer.reclaim(10 * 2 ** 30);
 */
export function createDockerReclaimer(options: DockerReclaimerOptions = {}): SpaceReclaimer {
  const docker = options.docker ?? connectDocker(options.socketPath);
  const now = options.now ?? Date.now;
  const seenUse = new Map<string, number>();
  const rules = (): ReclaimRules => ({
    nowMs: now(),
    stoppedContainerMinAgeMs: options.stoppedContainerMinAgeMs ?? DOCKER_RECLAIMER_DEFAULTS.stoppedContainerMinAgeMs,
    imageMinAgeMs: options.imageMinAgeMs ?? DOCKER_RECLAIMER_DEFAULTS.imageMinAgeMs,
    maxImagesPerCycle: options.maxImagesPerCycle ?? DOCKER_RECLAIMER_DEFAULTS.maxImagesPerCycle,
    excludedImages: [...DOCKER_RECLAIMER_DEFAULTS.excludedImages, ...(options.excludedImages ?? [])],
    removeImages: options.removeImages ?? DOCKER_RECLAIMER_DEFAULTS.removeImages,
  });
  const plan = async () => {
    const snapshot = await readDockerSnapshot(docker);
    for (const c of snapshot.containers) seenUse.set(c.imageId, Math.max(seenUse.get(c.imageId) ?? 0, c.createdMs));
    // Forget images that are gone, so a host that churns through thousands of images keeps a small map.
    const present = new Set(snapshot.images.map((i) => i.id));
    for (const id of seenUse.keys()) if (!present.has(id)) seenUse.delete(id);
    return planReclaim(snapshot, rules(), seenUse);
  };

  return {
    name: 'docker',
    async estimate() {
      const { containers, images } = await plan();
      return [...containers, ...images].reduce((sum, item) => sum + item.bytes, 0);
    },
    async reclaim(targetBytes, signal) {
      if (signal?.aborted) return { bytesFreed: 0, removed: [] };
      const { containers, images } = await plan();
      let bytesFreed = 0;
      const removed: string[] = [];
      const gone = new Set<string>();
      const done = () => bytesFreed >= targetBytes || signal?.aborted === true;
      const step = async (what: string, remove: () => Promise<boolean>, bytes: number, id: string) => {
        try {
          if (await remove()) {
            bytesFreed += bytes;
            removed.push(id);
            gone.add(id);
          }
        } catch (error) {
          throw new DockerReclaimError(
            `[reclaimer-docker] removing ${what} ${id} failed: ${(error as Error).message}`,
            { bytesFreed, removed },
            { cause: error },
          );
        }
      };
      for (const c of containers) {
        if (done()) break;
        await step('container', () => removeContainer(docker, c.id), c.bytes, c.id);
      }
      const usersGone = (image: PlannedImage) => image.usedBy.every((id) => gone.has(id));
      for (const image of images) {
        if (done()) break;
        if (!usersGone(image)) continue;
        await step('image', () => removeImage(docker, image), image.bytes, image.id);
      }
      return { bytesFreed, removed };
    },
  };
}
