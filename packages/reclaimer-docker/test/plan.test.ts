import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planReclaim, type ContainerFacts, type ImageFacts, type ReclaimRules } from '../src/index.js';

const rules = (over: Partial<ReclaimRules> = {}): ReclaimRules => ({
  nowMs: 10_000_000,
  stoppedContainerMinAgeMs: 1000,
  imageMinAgeMs: 1000,
  maxImagesPerCycle: 100,
  excludedImages: [],
  removeImages: true,
  ...over,
});
const image = (id: string, createdMs: number, over: Partial<ImageFacts> = {}): ImageFacts => ({
  id,
  tags: [`${id}:1`],
  createdMs,
  lastTagMs: undefined,
  bytes: 100,
  ...over,
});
const container = (id: string, imageId: string, state: string, createdMs: number, finishedMs?: number): ContainerFacts => ({
  id,
  imageId,
  state,
  createdMs,
  finishedMs,
  bytes: 10,
});

describe('planReclaim', () => {
  it('ranks an image by the newest container that used it, else by when it arrived (the later of Created and LastTagTime)', () => {
    const images = [image('built-long-ago-pulled-late', 1, { lastTagMs: 5000 }), image('imported-early', 2000), image('old-but-run-late', 1000)];
    const containers = [container('c', 'old-but-run-late', 'exited', 8000, 8100)];
    const plan = planReclaim({ images, containers }, rules());
    expect(plan.images.map((i) => i.id)).toEqual(['imported-early', 'built-long-ago-pulled-late', 'old-but-run-late']);
  });

  it('remembers a use it saw in an earlier scan, after the container is gone', () => {
    const images = [image('a', 1000), image('b', 2000)];
    expect(planReclaim({ images, containers: [] }, rules(), new Map([['a', 9000]])).images.map((i) => i.id)).toEqual(['b', 'a']);
  });

  it('caps images per cycle (ECS_NUM_IMAGES_DELETE_PER_CYCLE), skips excluded references and honours removeImages', () => {
    const images = [image('a', 1), image('b', 2), image('c', 3, { tags: ['busybox:latest'] })];
    expect(planReclaim({ images, containers: [] }, rules({ maxImagesPerCycle: 1 })).images.map((i) => i.id)).toEqual(['a']);
    expect(planReclaim({ images, containers: [] }, rules({ excludedImages: ['busybox'] })).images.map((i) => i.id)).toEqual(['a', 'b']);
    expect(planReclaim({ images, containers: [] }, rules({ removeImages: false })).images).toEqual([]);
  });

  it('measures a stopped container from when it stopped, not when it was created', () => {
    const containers = [container('long-job', 'x', 'exited', 0, 9_999_500)];
    expect(planReclaim({ images: [], containers }, rules()).containers).toEqual([]);
  });

  const states = fc.constantFrom('created', 'running', 'paused', 'restarting', 'exited', 'dead');
  const world = fc.record({
    images: fc.uniqueArray(
      fc.record({
        id: fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5'),
        createdMs: fc.nat(10_000_000),
        lastTagMs: fc.option(fc.nat(10_000_000), { nil: undefined }),
      }),
      { selector: (i) => i.id },
    ),
    containers: fc.uniqueArray(
      fc.record({
        id: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6'),
        imageId: fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5'),
        state: states,
        createdMs: fc.nat(10_000_000),
        finishedMs: fc.option(fc.nat(10_000_000), { nil: undefined }),
      }),
      { selector: (c) => c.id },
    ),
    rules: fc.record({ stoppedContainerMinAgeMs: fc.nat(5_000_000), imageMinAgeMs: fc.nat(5_000_000), maxImagesPerCycle: fc.integer({ min: 1, max: 6 }) }),
  });

  it('never plans an image that a container it keeps uses, nor a container that has not stopped long enough (property)', () => {
    fc.assert(
      fc.property(world, (w) => {
        const snapshot = {
          images: w.images.map((i) => image(i.id, i.createdMs, { lastTagMs: i.lastTagMs })),
          containers: w.containers.map((c) => container(c.id, c.imageId, c.state, c.createdMs, c.finishedMs)),
        };
        const r = rules(w.rules);
        const plan = planReclaim(snapshot, r);
        const going = new Set(plan.containers.map((c) => c.id));
        for (const c of plan.containers) {
          expect(['exited', 'dead']).toContain(c.state);
          expect(r.nowMs - (c.finishedMs ?? c.createdMs)).toBeGreaterThanOrEqual(r.stoppedContainerMinAgeMs);
        }
        for (const i of plan.images) {
          expect(snapshot.containers.filter((c) => c.imageId === i.id).every((c) => going.has(c.id))).toBe(true);
          expect(r.nowMs - Math.max(i.createdMs, i.lastTagMs ?? 0)).toBeGreaterThanOrEqual(r.imageMinAgeMs);
        }
        expect(plan.images.length).toBeLessThanOrEqual(r.maxImagesPerCycle);
        const used = plan.images.map((i) => i.lastUsedMs);
        expect(used).toEqual([...used].sort((a, b) => a - b));
      }),
    );
  });
});
