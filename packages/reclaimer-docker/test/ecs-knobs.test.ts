import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EcsKnobError, parseGoDuration, readEcsCleanupKnobs } from '../src/index.js';

describe('parseGoDuration', () => {
  it('reads Go duration strings as time.ParseDuration does', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('90s')).toBe(90_000);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('0')).toBe(0);
    for (const bad of ['', '10', 'h', '1d', '1h 30m', '-5m']) expect(parseGoDuration(bad)).toBeUndefined();
  });

  it('reads back any hours, minutes and seconds it is given (property)', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(59), fc.nat(59), (h, m, s) => {
        expect(parseGoDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000);
      }),
    );
  });
});

describe('readEcsCleanupKnobs', () => {
  it('reads the ECS agent variables it follows', () => {
    expect(
      readEcsCleanupKnobs({
        ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: '10m',
        ECS_IMAGE_MINIMUM_CLEANUP_AGE: '30m',
        ECS_NUM_IMAGES_DELETE_PER_CYCLE: '20',
        ECS_EXCLUDE_UNTRACKED_IMAGE: 'alpine:latest, busybox:1',
        ECS_DISABLE_IMAGE_CLEANUP: 'true',
      }),
    ).toEqual({
      stoppedContainerMinAgeMs: 600_000,
      imageMinAgeMs: 1_800_000,
      maxImagesPerCycle: 20,
      excludedImages: ['alpine:latest', 'busybox:1'],
      removeImages: false,
    });
    expect(readEcsCleanupKnobs({})).toEqual({});
  });

  it('ignores what ECS ignores: a cleanup wait under 1 s, fewer than 1 image per cycle', () => {
    expect(readEcsCleanupKnobs({ ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: '500ms', ECS_NUM_IMAGES_DELETE_PER_CYCLE: '0' })).toEqual({});
  });

  it('refuses text that is not a value, naming the variable', () => {
    expect(() => readEcsCleanupKnobs({ ECS_IMAGE_MINIMUM_CLEANUP_AGE: '1 hour' })).toThrow(EcsKnobError);
    expect(() => readEcsCleanupKnobs({ ECS_IMAGE_MINIMUM_CLEANUP_AGE: '1 hour' })).toThrow(/ECS_IMAGE_MINIMUM_CLEANUP_AGE="1 hour"/);
    expect(() => readEcsCleanupKnobs({ ECS_NUM_IMAGES_DELETE_PER_CYCLE: 'five' })).toThrow(/ECS_NUM_IMAGES_DELETE_PER_CYCLE/);
  });
});

describe('readEcsConfigFile', () => {
  it('reads KEY=VALUE lines as ecs.config holds them, and nothing when there is no file', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { readEcsConfigFile } = await import('../src/index.js');
    const dir = await mkdtemp(join(tmpdir(), 'ecs-config-'));
    try {
      await writeFile(
        join(dir, 'ecs.config'),
        '# cluster\nECS_CLUSTER=batch\nECS_IMAGE_MINIMUM_CLEANUP_AGE="30m"\n\nECS_ENGINE_TASK_CLEANUP_WAIT_DURATION = 10m\n',
      );
      const env = await readEcsConfigFile(join(dir, 'ecs.config'));
      expect(env).toEqual({ ECS_CLUSTER: 'batch', ECS_IMAGE_MINIMUM_CLEANUP_AGE: '30m', ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION: '10m' });
      expect(readEcsCleanupKnobs(env)).toEqual({ imageMinAgeMs: 1_800_000, stoppedContainerMinAgeMs: 600_000 });
      expect(await readEcsConfigFile(join(dir, 'missing'))).toEqual({});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
