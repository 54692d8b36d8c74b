import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configuredReclaimers } from '../src/agent/configured-reclaimers.js';
import { parseV1Config } from '../src/config/v1-config.js';

const base = { version: 1, mountPoint: '/scratch' };

describe('the reclaim and reservations sections', () => {
  it("reads the Docker reclaimer's socket and ECS's knobs under ECS's names, and the API's group", () => {
    const config = parseV1Config({
      ...base,
      reclaim: {
        docker: {
          socket: '/var/run/docker.sock',
          ECS_IMAGE_MINIMUM_CLEANUP_AGE: '30m',
          ECS_NUM_IMAGES_DELETE_PER_CYCLE: 20,
          ECS_EXCLUDE_UNTRACKED_IMAGE: 'busybox:1',
        },
      },
      reservations: { group: 'docker' },
    });
    expect(config.reclaim).toEqual({
      docker: {
        socket: '/var/run/docker.sock',
        ecsConfigFile: '/etc/ecs/ecs.config',
        knobs: { imageMinAgeMs: 1_800_000, maxImagesPerCycle: 20, excludedImages: ['busybox:1'] },
      },
    });
    expect(config.reservations).toEqual({ enabled: true, group: 'docker' });
    expect(parseV1Config(base).reclaim).toBeUndefined();
    expect(parseV1Config({ ...base, reclaim: { budgetSeconds: 5, cooldownSeconds: 2 } }).reclaim).toEqual({ budgetMs: 5000, cooldownMs: 2000 });
  });

  it('refuses a bad knob, an unknown key and a bad group, naming each', () => {
    expect(() =>
      parseV1Config({ ...base, reclaim: { docker: { ECS_IMAGE_MINIMUM_CLEANUP_AGE: '1 hour', sockett: '/x' } }, reservations: { group: 'Bad Group!' } }),
    ).toThrow(
      /reclaim\.docker\.ECS_IMAGE_MINIMUM_CLEANUP_AGE[\s\S]*reclaim\.docker\.sockett[\s\S]*reservations\.group|reclaim\.docker\.ECS_IMAGE_MINIMUM_CLEANUP_AGE[\s\S]*reservations\.group[\s\S]*reclaim\.docker\.sockett/,
    );
  });

  it("builds the Docker reclaimer with the configuration's knobs over ecs.config's", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reclaim-config-'));
    try {
      await writeFile(join(dir, 'ecs.config'), 'ECS_IMAGE_MINIMUM_CLEANUP_AGE=2h\nECS_NUM_IMAGES_DELETE_PER_CYCLE=bad\n');
      const config = parseV1Config({ ...base, reclaim: { docker: { ecsConfigFile: join(dir, 'ecs.config'), ECS_NUM_IMAGES_DELETE_PER_CYCLE: 3 } } });
      // ecs.config's unreadable count is reported, not skipped: the host's ECS agent would read it too.
      await expect(configuredReclaimers(config, {})).rejects.toThrow(/ECS_NUM_IMAGES_DELETE_PER_CYCLE="bad"/);
      await writeFile(join(dir, 'ecs.config'), 'ECS_IMAGE_MINIMUM_CLEANUP_AGE=2h\n');
      const reclaimers = await configuredReclaimers(config, {});
      expect(reclaimers.map((r) => r.name)).toEqual(['docker']);
      expect(await configuredReclaimers(parseV1Config(base), {})).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
