import { parseGoDuration } from './go-duration.js';

/**
 * The ECS agent's own image- and task-cleanup settings, read from the environment (or
 * /etc/ecs/ecs.config's lines) with ECS's names and ECS's rules for ignoring values, so a Batch or ECS
 * host configured for the ECS agent gets the same behaviour from this reclaimer. The table:
 * https://github.com/aws/amazon-ecs-agent#environment-variables
 */
export interface EcsCleanupKnobs {
  /** `ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION`: values under 1 s are ignored, as ECS ignores them. */
  stoppedContainerMinAgeMs?: number;
  /** `ECS_IMAGE_MINIMUM_CLEANUP_AGE` (`NON_ECS_IMAGE_MINIMUM_CLEANUP_AGE` when only that is set). */
  imageMinAgeMs?: number;
  /** `ECS_NUM_IMAGES_DELETE_PER_CYCLE`: values under 1 are ignored, as ECS ignores them. */
  maxImagesPerCycle?: number;
  /** `ECS_EXCLUDE_UNTRACKED_IMAGE`: comma-separated `name:tag`. */
  excludedImages?: string[];
  /** `ECS_DISABLE_IMAGE_CLEANUP=true` turns image removal off (stopped containers are still removed). */
  removeImages?: boolean;
}

/** Thrown for a knob whose text is not a value of its kind; names the variable and what it wants. */
export class EcsKnobError extends Error {
  constructor(name: string, value: string, wanted: string) {
    super(`[reclaimer-docker] ${name}=${JSON.stringify(value)} is not ${wanted}; fix or unset it`);
    this.name = 'EcsKnobError';
  }
}

/** Reads the knobs that are set; unset ones stay undefined so the reclaimer's defaults apply. */
export function readEcsCleanupKnobs(env: Readonly<Record<string, string | undefined>> = process.env): EcsCleanupKnobs {
  const knobs: EcsCleanupKnobs = {};
  const duration = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const ms = parseGoDuration(raw);
    if (ms === undefined) throw new EcsKnobError(name, raw, 'a Go duration such as 30m or 1h30m');
    return ms;
  };
  const wait = duration('ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION');
  if (wait !== undefined && wait >= 1000) knobs.stoppedContainerMinAgeMs = wait;
  const imageAge = duration('ECS_IMAGE_MINIMUM_CLEANUP_AGE') ?? duration('NON_ECS_IMAGE_MINIMUM_CLEANUP_AGE');
  if (imageAge !== undefined) knobs.imageMinAgeMs = imageAge;
  const perCycle = env.ECS_NUM_IMAGES_DELETE_PER_CYCLE;
  if (perCycle !== undefined && perCycle !== '') {
    if (!/^-?\d+$/.test(perCycle.trim())) throw new EcsKnobError('ECS_NUM_IMAGES_DELETE_PER_CYCLE', perCycle, 'a whole number');
    const count = Number(perCycle);
    if (count >= 1) knobs.maxImagesPerCycle = count;
  }
  const excluded = env.ECS_EXCLUDE_UNTRACKED_IMAGE;
  if (excluded)
    knobs.excludedImages = excluded
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const disabled = env.ECS_DISABLE_IMAGE_CLEANUP;
  if (disabled !== undefined && disabled !== '') knobs.removeImages = disabled.trim().toLowerCase() !== 'true';
  return knobs;
}
