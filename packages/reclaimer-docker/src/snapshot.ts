import type { DockerEngine } from './docker-engine.js';

/** What the reclaimer knows of one container, read from the daemon. */
export interface ContainerFacts {
  readonly id: string;
  /** The image's ID (`sha256:…`), which a tag moving elsewhere does not change. */
  readonly imageId: string;
  readonly state: string;
  readonly createdMs: number;
  /** When it stopped; undefined while it has never stopped. */
  readonly finishedMs: number | undefined;
  readonly bytes: number;
}

/** What the reclaimer knows of one image, read from the daemon. */
export interface ImageFacts {
  readonly id: string;
  readonly tags: readonly string[];
  readonly createdMs: number;
  /** When a tag last moved onto it here (a pull, an import, a tag); undefined when never. */
  readonly lastTagMs: number | undefined;
  /** Bytes only this image holds: removing it frees at least this much. */
  readonly bytes: number;
}

export interface DockerSnapshot {
  readonly containers: readonly ContainerFacts[];
  readonly images: readonly ImageFacts[];
}

// Go's zero time, which the daemon sends for "never" (FinishedAt of a container never started).
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

function timeMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) || ms <= GO_ZERO_TIME_MS ? undefined : ms;
}

/**
 * Reads every container and image with its size (one `GET /system/df`) and its times (one inspect
 * each: the df listing has whole seconds only, and no stop time or tag time).
 */
export async function readDockerSnapshot(docker: DockerEngine): Promise<DockerSnapshot> {
  const usage = await docker.df();
  const containers = await Promise.all(
    (usage.Containers ?? []).map(async (c): Promise<ContainerFacts> => {
      const details = await docker.getContainer(c.Id).inspect();
      return {
        id: c.Id,
        imageId: c.ImageID,
        state: c.State,
        createdMs: timeMs(details.Created) ?? 0,
        finishedMs: timeMs(details.State.FinishedAt),
        bytes: Math.max(0, c.SizeRw ?? 0),
      };
    }),
  );
  const images = await Promise.all(
    (usage.Images ?? []).map(async (i): Promise<ImageFacts> => {
      const details = await docker.getImage(i.Id).inspect();
      return {
        id: i.Id,
        // Older daemons list an untagged image as "<none>:<none>".
        tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
        createdMs: timeMs(details.Created) ?? 0,
        lastTagMs: timeMs(details.Metadata?.LastTagTime),
        bytes: Math.max(0, i.SharedSize >= 0 ? i.Size - i.SharedSize : i.Size),
      };
    }),
  );
  return { containers, images };
}
