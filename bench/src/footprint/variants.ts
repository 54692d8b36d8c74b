import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staleBuilds } from '../../../scripts/build-freshness.mjs';
import { buildRelease } from '../../../scripts/release/build-release.mjs';
import { BUNDLE_ENTRY } from '../../../scripts/release/bundle.mjs';

/** One way of running the CLI: the argv prefix before its arguments. */
export interface Variant {
  readonly name: string;
  readonly argv: readonly string[];
  /** A reference for `--help` only (it runs no agent). */
  readonly helpOnly?: boolean;
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** `node packages/cli/bin/ebs-autoscale.js`, what `npm install -g` runs; refuses a stale dist/. */
export function workspaceVariant(): Variant {
  const stale = staleBuilds(REPO);
  if (stale.length > 0) throw new Error(`[ebs-autoscale] [bench:footprint] dist/ is older than the sources in ${stale.join(', ')}: run \`pnpm build\` first`);
  return { name: 'workspace build', argv: [process.execPath, join(REPO, 'packages/cli/bin/ebs-autoscale.js')] };
}

/**
 * The linux-x64 artifact, built from this checkout and unpacked: through its launcher, and its Node on
 * the bundle without the launcher's flags, which shows what the flags buy.
 */
export async function artifactVariants(): Promise<{ variants: Variant[]; tarballBytes: number; bundleBytes: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ebs-autoscale-footprint-'));
  const release = await buildRelease({ outDir: join(dir, 'release'), arches: ['x64'] });
  const artifact = release.artifacts[0]!;
  execFileSync('tar', ['-xzf', artifact.file, '-C', dir]);
  const top = join(dir, release.name('x64'));
  return {
    variants: [
      { name: 'artifact', argv: [join(top, 'bin/ebs-autoscale')] },
      { name: 'artifact, no Node flags', argv: [join(top, 'node/bin/node'), join(top, 'lib', BUNDLE_ENTRY)] },
      // What no JavaScript of ours costs: the same Node running nothing (`--help` lands after `--`).
      { name: 'bare node -e 0', argv: [join(top, 'node/bin/node'), '-e', '0', '--'], helpOnly: true },
    ],
    tarballBytes: artifact.bytes,
    bundleBytes: release.bundleBytes,
    dir,
  };
}
