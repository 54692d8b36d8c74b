import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The commit the bench was written against: the repository's last before it was archived (see the README beside the checkout). */
export const BASELINE_COMMIT = '8c8ac28914bf9302e4f5821ba99daac6e7fc05eb';

/** The default checkout, relative to the repository root: where our machines keep it. */
export const DEFAULT_BASELINE_DIR = '../shared/baselines/amazon-ebs-autoscale/';

const NEEDED = ['bin/ebs-autoscale', 'bin/create-ebs-volume', 'shared/utils.sh'];

/**
 * The absolute path of an amazon-ebs-autoscale checkout, or an error that says how to get one. Its
 * code is not ours to copy into this repository, so the bench runs a checkout it is pointed at.
 */
export function resolveBaselineDir(dir: string, repoRoot: string): string {
  const path = resolve(repoRoot, dir);
  const missing = NEEDED.filter((file) => !existsSync(join(path, file)));
  if (missing.length === 0) return path;
  throw new Error(
    `[ebs-autoscale] [bench] no amazon-ebs-autoscale checkout at ${path} (missing ${missing.join(', ')}). Get the public repository at the pinned commit and pass its path:\n` +
      `  git clone https://github.com/awslabs/amazon-ebs-autoscale.git /tmp/amazon-ebs-autoscale\n` +
      `  git -C /tmp/amazon-ebs-autoscale checkout ${BASELINE_COMMIT}\n` +
      `  sudo pnpm bench:baseline --baseline /tmp/amazon-ebs-autoscale`,
  );
}
