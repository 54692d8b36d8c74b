// The Node runtime each artifact ships: the official binary as the npm registry's `node-linux-<arch>`
// package carries it (what scripts/bootstrap.sh installs), fetched with npm and cached, so a second
// build needs no network. Only bin/node and the LICENSE are kept: the agent needs no npm, headers or man pages.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

/** npm pack checks the tarball against the registry's integrity hash; it lands in a temp dir, renamed when whole. */
function fetchInto(dir, spec, cacheDir) {
  const temp = `${dir}.partial`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', temp, spec], { cwd: cacheDir, encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', join(temp, file), '-C', temp, '--strip-components=1', 'package/bin/node', 'package/LICENSE']);
    rmSync(join(temp, file));
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw releaseError('node', `could not fetch ${spec} from the npm registry (${error.message.split('\n')[0]}): check the network and \`npm config get registry\``, error);
  }
  renameSync(temp, dir);
}
