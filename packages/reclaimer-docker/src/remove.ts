import type { DockerEngine } from './docker-engine.js';
import type { ImageFacts } from './snapshot.js';

/** The Engine API's answers that mean "leave it": 404 it is gone already, 409 something uses it. */
function isGoneOrInUse(error: unknown): boolean {
  const status = (error as { statusCode?: unknown }).statusCode;
  return status === 404 || status === 409;
}

/** Removes a stopped container; false when the daemon says it is gone or in use (it restarted). */
export async function removeContainer(docker: DockerEngine, id: string): Promise<boolean> {
  try {
    // v: false keeps its anonymous volumes: they may hold a job's output, which is not ours to judge.
    await docker.getContainer(id).remove({ v: false, force: false });
    return true;
  } catch (error) {
    if (isGoneOrInUse(error)) return false;
    throw error;
  }
}

/**
 * Removes an image, never by force: the daemon then refuses (409) when any container uses it, which
 * closes the gap between planning and removing. An image with several tags cannot be deleted by ID
 * without force ("referenced in multiple repositories"), so each tag is removed and the last one
 * deletes the image. True when the daemon reports layers deleted.
 */
export async function removeImage(docker: DockerEngine, image: ImageFacts): Promise<boolean> {
  const references = image.tags.length > 1 ? image.tags : [image.id];
  let deleted = false;
  try {
    for (const reference of references) {
      const answer = await docker.getImage(reference).remove({ force: false, noprune: false });
      deleted ||= answer.some((entry) => entry.Deleted !== undefined);
    }
    return deleted;
  } catch (error) {
    if (isGoneOrInUse(error)) return deleted;
    throw error;
  }
}
