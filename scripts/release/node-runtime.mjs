// The Node runtime each artifact ships: the official binary as the npm registry's `node-linux-<arch>`
// package carries it (what scripts/bootstrap.sh installs), fetched with npm and cached, so a second
// build needs no network. Only bin/node and the LICENSE are kept: the agent needs no npm, headers or man pages.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { releaseError } from './release-error.mjs';

/**
 * @typedef {{ node: Buffer, license: string, version: string, arch: string }} NodeRuntime
 */

/**
 * @param {{ arch: string, version: string, cacheDir: string }} options
 * @returns {NodeRuntime}
 */
export function nodeRuntime({ arch, version, cacheDir }) {
  const dir = join(cacheDir, `node-v${version}-linux-${arch}`);
  if (!existsSync(join(dir, 'bin/node'))) fetchInto(dir, `node-linux-${arch}@${version}`, cacheDir);
  return { node: readFileSync(join(dir, 'bin/node')), license: readFileSync(join(dir, 'LICENSE'), 'utf8'), version, arch };
}

/**
 * npm pack checks the tarball against the registry's integrity hash. It lands in a temp dir of its own,
 * renamed into place when whole: test files build at the same time, and the first rename wins.
 */
function fetchInto(dir, spec, cacheDir) {
  const temp = mkdtempSync(`${dir}.partial-`);
  try {
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', temp, spec], { cwd: cacheDir, encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', join(temp, file), '-C', temp, '--strip-components=1', 'package/bin/node', 'package/LICENSE']);
    rmSync(join(temp, file));
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw releaseError(
      'node',
      `could not fetch ${spec} from the npm registry (${error.message.split('\n')[0]}): check the network and \`npm config get registry\``,
      error,
    );
  }
  try {
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'bin/node'))) throw error;
  }
}
