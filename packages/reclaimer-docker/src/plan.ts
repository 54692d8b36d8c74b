import type { ContainerFacts, DockerSnapshot, ImageFacts } from './snapshot.js';

/** The rules a plan follows; `DockerReclaimerOptions` with its defaults filled in. */
export interface ReclaimRules {
  readonly nowMs: number;
  readonly stoppedContainerMinAgeMs: number;
  readonly imageMinAgeMs: number;
  readonly maxImagesPerCycle: number;
  /** `name:tag` references never removed. */
  readonly excludedImages: readonly string[];
  readonly removeImages: boolean;
}

/** What to remove, in order: stopped containers oldest first, then images least recently used first. */
export interface ReclaimPlan {
  readonly containers: readonly ContainerFacts[];
  readonly images: readonly PlannedImage[];
}

export interface PlannedImage extends ImageFacts {
  /** The containers that used it and are removed first; the image goes only once they are gone. */
  readonly usedBy: readonly string[];
  readonly lastUsedMs: number;
}

// Only a container that has stopped may go; a created one is about to start (ECS creates a task's
// containers, then starts them), and the others are alive.
const STOPPED_STATES = new Set(['exited', 'dead']);

/** `busybox` means `busybox:latest`, as Docker reads it. */
function withTag(reference: string): string {
  return /:[^/]+$/.test(reference) ? reference : `${reference}:latest`;
}

/**
 * When an image was last used. Docker records no such time, so the evidence is: the newest creation
 * of a container from it (what the daemon still lists, plus what this reclaimer saw in earlier scans,
 * `seenUse`, since removing a stopped container erases its trace), else when it arrived on the host —
 * the later of its Created time and its LastTagTime, because a pulled image's Created is its build
 * time, possibly years ago, while LastTagTime moves when it is pulled or tagged here. An image pulled
 * an hour ago and never run thus counts as used an hour ago: a job is likely about to run it.
 */
export function lastUsedMs(image: ImageFacts, users: readonly ContainerFacts[], seenUse: ReadonlyMap<string, number>): number {
  const arrived = Math.max(image.createdMs, image.lastTagMs ?? 0);
  const ran = Math.max(0, ...users.map((c) => c.createdMs));
  return Math.max(arrived, ran, seenUse.get(image.id) ?? 0);
}

/** Decides what a reclaim may remove now. Pure: the same snapshot and rules give the same plan. */
export function planReclaim(snapshot: DockerSnapshot, rules: ReclaimRules, seenUse: ReadonlyMap<string, number> = new Map()): ReclaimPlan {
  const stoppedLongEnough = (c: ContainerFacts) => STOPPED_STATES.has(c.state) && rules.nowMs - (c.finishedMs ?? c.createdMs) >= rules.stoppedContainerMinAgeMs;
  const containers = snapshot.containers.filter(stoppedLongEnough).sort((a, b) => (a.finishedMs ?? a.createdMs) - (b.finishedMs ?? b.createdMs));
  if (!rules.removeImages) return { containers, images: [] };

  const removed = new Set(containers.map((c) => c.id));
  // By image ID: a container keeps its image's ID even after its tag moves to a newer image.
  const kept = new Set(snapshot.containers.filter((c) => !removed.has(c.id)).map((c) => c.imageId));
  const excluded = new Set(rules.excludedImages.map(withTag));
  const images = snapshot.images
    .filter((image) => !kept.has(image.id))
    .filter((image) => !image.tags.some((t) => excluded.has(t)))
    .filter((image) => rules.nowMs - Math.max(image.createdMs, image.lastTagMs ?? 0) >= rules.imageMinAgeMs)
    .map((image): PlannedImage => {
      const users = snapshot.containers.filter((c) => c.imageId === image.id);
      return { ...image, usedBy: users.map((c) => c.id), lastUsedMs: lastUsedMs(image, users, seenUse) };
    })
    .sort((a, b) => a.lastUsedMs - b.lastUsedMs || a.id.localeCompare(b.id))
    .slice(0, rules.maxImagesPerCycle);
  return { containers, images };
}
