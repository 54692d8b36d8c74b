import { statfs } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectDocker, createDockerReclaimer, type DockerEngine, type DockerReclaimerOptions } from '../src/index.js';
import { containerIds, createOnly, emptyDaemon, imageIds, importImage, runToCompletion, startRunning } from './support/images.js';
import { startTestDockerd } from './support/test-dockerd.js';

// Against a real dockerd (Debian's docker.io) that this file starts on a tmpfs of its own.
const start = await startTestDockerd();
if (!start.ok) console.warn(`[ebs-autoscale/reclaimer-docker] SKIPPING the real-Docker tests: ${start.reason}`);

if (!start.ok) {
  describe('DockerReclaimer on a real dockerd', () => {
    it.skip(`skipped: ${start.reason}`, () => {});
  });
} else {
  const { docker, socketPath, dataRoot } = start.daemon;
  afterEach(() => emptyDaemon(docker));
  afterAll(() => start.daemon.stop());

  // Ages off unless a test sets them: the rules under test are then the only ones that bite.
  const reclaimerFor = (options: DockerReclaimerOptions = {}) =>
    createDockerReclaimer({ socketPath, stoppedContainerMinAgeMs: 0, imageMinAgeMs: 0, maxImagesPerCycle: 100, ...options });
  const arrivedMs = async (reference: string) => {
    const details = await docker.getImage(reference).inspect();
    const lastTag = (details as unknown as { Metadata?: { LastTagTime?: string } }).Metadata?.LastTagTime;
    return Math.max(Date.parse(details.Created), lastTag ? Date.parse(lastTag) : 0);
  };
  const finishedMs = async (id: string) => Date.parse((await docker.getContainer(id).inspect()).State.FinishedAt);

  describe('DockerReclaimer on a real dockerd', () => {
    it('never removes an image a running or created container uses, judged by image ID, not by tag', async () => {
      const running = await importImage(docker, 'running:1', 64);
      const created = await importImage(docker, 'created:1', 64);
      const moved = await importImage(docker, 'moving:1', 64);
      const unused = await importImage(docker, 'unused:1', 64);
      await startRunning(docker, 'running:1');
      await createOnly(docker, 'created:1');
      await startRunning(docker, 'moving:1');
      // The tag moves to a new image: the running container still uses the old one, now untagged.
      const newer = await importImage(docker, 'moving:1', 64);

      const reclaimer = reclaimerFor();
      const estimate = await reclaimer.estimate();
      const result = await reclaimer.reclaim(Number.POSITIVE_INFINITY);

      // The daemon refuses to delete an image in use, so the plan's own judgement shows in the
      // estimate (counting only what may go) and in the tags (an untag of a used image loses none).
      expect(estimate).toBe(result.bytesFreed);
      expect((await docker.getImage('running:1').inspect()).Id).toBe(running);
      expect((await docker.getImage('created:1').inspect()).Id).toBe(created);
      const left = await imageIds(docker);
      expect(left).toEqual(expect.arrayContaining([running, created, moved]));
      expect(left).not.toContain(unused);
      expect(left).not.toContain(newer);
      expect(result.removed).toEqual(expect.arrayContaining([unused, newer]));
      expect(result.removed).toHaveLength(2);
      expect(await containerIds(docker)).toHaveLength(3);
    });

    it('removes unused images least recently used first, and stops once the target is freed', async () => {
      const first = await importImage(docker, 'lru-a:1', 256);
      const second = await importImage(docker, 'lru-b:1', 256);
      const third = await importImage(docker, 'lru-c:1', 256);
      // The oldest import was run last, so it is the most recently used.
      const container = await runToCompletion(docker, 'lru-a:1');

      const all = await reclaimerFor({ maxImagesPerCycle: 100 }).reclaim(Number.POSITIVE_INFINITY);
      expect(all.removed).toEqual([container, second, third, first]);

      const again = [await importImage(docker, 'lru-d:1', 256), await importImage(docker, 'lru-e:1', 256)];
      const one = await reclaimerFor().reclaim(1);
      expect(one.removed).toEqual([again[0]]);
      expect(await imageIds(docker)).toEqual([again[1]]);
    });

    it('keeps an image younger than the minimum cleanup age (ECS_IMAGE_MINIMUM_CLEANUP_AGE)', async () => {
      const older = await importImage(docker, 'age-a:1', 64);
      const younger = await importImage(docker, 'age-b:1', 64);
      const minAgeMs = 3_600_000;
      const nowMs = (await arrivedMs('age-b:1')) + minAgeMs - 1;
      expect(await arrivedMs('age-a:1')).toBeLessThanOrEqual(nowMs - minAgeMs);

      const result = await reclaimerFor({ imageMinAgeMs: minAgeMs, now: () => nowMs }).reclaim(Number.POSITIVE_INFINITY);

      expect(result.removed).toEqual([older]);
      expect(await imageIds(docker)).toEqual([younger]);
    });

    it('removes stopped containers older than the cleanup wait and keeps younger ones, with their image', async () => {
      await importImage(docker, 'stopped:1', 64);
      const olderStop = await runToCompletion(docker, 'stopped:1');
      const youngerStop = await runToCompletion(docker, 'stopped:1');
      const waitMs = 10 * 60_000;
      const nowMs = (await finishedMs(youngerStop)) + waitMs - 1;
      expect(await finishedMs(olderStop)).toBeLessThanOrEqual(nowMs - waitMs);

      const result = await reclaimerFor({ stoppedContainerMinAgeMs: waitMs, now: () => nowMs }).reclaim(Number.POSITIVE_INFINITY);

      expect(result.removed).toEqual([olderStop]);
      expect(await containerIds(docker)).toEqual([youngerStop]);
      expect(await imageIds(docker)).toHaveLength(1);
    });

    it('estimates what reclaim frees, and both agree with the free space the data root regains', async () => {
      for (const [i, kiB] of [1024, 2048, 4096].entries()) {
        await importImage(docker, `size-${i}:1`, kiB);
        await runToCompletion(docker, `size-${i}:1`, 8);
      }
      const reclaimer = reclaimerFor();
      const estimate = await reclaimer.estimate();
      const free = async () => {
        const s = await statfs(dataRoot);
        return s.bavail * s.bsize;
      };
      const before = await free();
      const result = await reclaimer.reclaim(Number.POSITIVE_INFINITY);
      const regained = (await free()) - before;

      expect(result.removed).toHaveLength(6);
      expect(result.bytesFreed).toBe(estimate);
      // Three 8 MiB container layers and three images of 1–4 MiB plus busybox (about 2 MiB each).
      expect(estimate).toBeGreaterThan(30 * 2 ** 20);
      // What Docker reports leaves out directories, logs and metadata: within 10 % and 1 MiB.
      expect(Math.abs(regained - estimate)).toBeLessThanOrEqual(estimate * 0.1 + 2 ** 20);
    });

    it('stops soon after its signal aborts, and reports only what it removed', async () => {
      const ids = [await importImage(docker, 'abort-a:1', 64), await importImage(docker, 'abort-b:1', 64), await importImage(docker, 'abort-c:1', 64)];
      const controller = new AbortController();
      const real = connectDocker(socketPath);
      // The real client, with the signal aborted as soon as the first image is gone.
      const abortingAfterFirst: DockerEngine = {
        df: () => real.df(),
        getContainer: (id) => real.getContainer(id),
        getImage: (name) => {
          const image = real.getImage(name);
          return {
            inspect: () => image.inspect(),
            remove: async (options) => {
              const answer = await image.remove(options);
              controller.abort();
              return answer;
            },
          };
        },
      };

      const aborted = await reclaimerFor({ docker: abortingAfterFirst }).reclaim(Number.POSITIVE_INFINITY, controller.signal);
      expect(aborted.removed).toEqual([ids[0]]);
      expect(await imageIds(docker)).toHaveLength(2);

      const already = await reclaimerFor().reclaim(Number.POSITIVE_INFINITY, AbortSignal.abort());
      expect(already).toEqual({ bytesFreed: 0, removed: [] });
      expect(await imageIds(docker)).toHaveLength(2);
    });
  });
}
