// Whether each package's dist/ is older than what it is built from. Tests that run a built bin (the
// agent inside the test VM: see packages/cli/test/helpers/agent-process.ts) must not run a stale one, so
// scripts/vm-test.mjs builds first when this lists anything, and the test refuses a stale dist by name.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/**
 * The packages under `packages/` whose dist/ is missing or older than their sources, package.json,
 * tsup.config.ts, tsconfig.json, or the shared tsup.base.ts and root tsconfigs. tsup cleans dist/ on
 * every build, so the oldest file there is the last build's time. By modification times, so a copy that
 * keeps old times (rsync -a) can hide a change: `pnpm build` by hand then.
 * @param {string} [repo]
 * @returns {string[]} package directories relative to the repository, e.g. `packages/core`
 */
export function staleBuilds(repo = REPO) {
  // What every package's build reads: the shared tsup options and the root tsconfigs (the dts step).
  const shared = Math.max(...['tsup.base.ts', ...readdirSync(repo).filter((name) => /^tsconfig.*\.json$/.test(name))].map((name) => mtimeOf(join(repo, name))));
  const stale = [];
  for (const name of readdirSync(join(repo, 'packages'))) {
    const dir = join(repo, 'packages', name);
    if (!existsSync(join(dir, 'tsup.config.ts'))) continue;
    const built = filesUnder(join(dir, 'dist')).map(mtimeOf);
    const inputs = [...filesUnder(join(dir, 'src')), join(dir, 'package.json'), join(dir, 'tsup.config.ts'), join(dir, 'tsconfig.json')].map(mtimeOf);
    if (built.length === 0 || Math.max(shared, ...inputs) > Math.min(...built)) stale.push(`packages/${name}`);
  }
  return stale;
}

/** @param {string} dir */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** @param {string} file */
function mtimeOf(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}
