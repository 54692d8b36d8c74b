// What a release is built from, each read from its one home: the version from the CLI's package.json,
// the Node version from scripts/bootstrap.sh (the pin the workspace itself runs on), and the time
// stamp of every file from the commit, so two builds of one commit are byte for byte the same.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseError } from './release-error.mjs';

/** The Node architectures we ship, as the npm packages `node-linux-<arch>` name them. */
export const ARCHES = /** @type {const} */ (['x64', 'arm64']);

/** @param {string} repo */
export function cliVersion(repo) {
  return JSON.parse(readFileSync(join(repo, 'packages/cli/package.json'), 'utf8')).version;
}

/** @param {string} repo */
export function pinnedNodeVersion(repo) {
  const match = /^NODE_VERSION=(\d+\.\d+\.\d+)$/m.exec(readFileSync(join(repo, 'scripts/bootstrap.sh'), 'utf8'));
  if (!match) throw releaseError('inputs', 'scripts/bootstrap.sh has no NODE_VERSION=x.y.z line: restore it, it pins the Node the release ships');
  return match[1];
}

/**
 * SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/) when it is set, else
 * the commit time of HEAD.
 * @param {string} repo
 */
export function sourceDateEpoch(repo) {
  const fromEnv = process.env.SOURCE_DATE_EPOCH;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!/^\d+$/.test(fromEnv)) throw releaseError('inputs', `SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${fromEnv}"`);
    return Number(fromEnv);
  }
  return Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: repo, encoding: 'utf8' }).trim());
}
