// `pnpm release`: dist/release/ebs-autoscale-<version>-linux-{x64,arm64}.tar.gz and SHA256SUMS.
// Each tarball unpacks to one directory:
//   bin/ebs-autoscale          the launcher (POSIX sh)
//   lib/ebs-autoscale.mjs      the bundled agent, and lib/chunks/: one lazily-loaded chunk per command
//   node/bin/node              the pinned Node runtime
//   THIRD-PARTY-LICENSES
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_ENTRY, bundleAgent } from './bundle.mjs';
import { launcherScript } from './launcher.mjs';
import { thirdPartyLicenses } from './licenses.mjs';
import { nodeRuntime } from './node-runtime.mjs';
import { ARCHES, cliVersion, pinnedNodeVersion, sourceDateEpoch } from './release-inputs.mjs';
import { writeTarGz } from './tar-writer.mjs';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Node downloads, kept between builds (node_modules/ is git-ignored and CI starts without it). */
export const DEFAULT_CACHE_DIR = join(REPO, 'node_modules/.cache/ebs-autoscale-release');

/**
 * @typedef {{ arch: string, file: string, sha256: string, bytes: number }} ReleaseArtifact
 * @typedef {{ artifacts: ReleaseArtifact[], sums: string, bundleBytes: number, metafile: import("esbuild").Metafile, name: (arch: string) => string }} Release
 */

/**
 * Builds the artifacts into `outDir` (default dist/release).
 * @param {{ outDir?: string, arches?: readonly string[], cacheDir?: string, repo?: string, sourceDateEpoch?: number }} [options]
 * @returns {Promise<Release>}
 */
export async function buildRelease(options = {}) {
  const repo = options.repo ?? REPO;
  const outDir = options.outDir ?? join(repo, 'dist/release');
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const version = cliVersion(repo);
  const nodeVersion = pinnedNodeVersion(repo);
  const mtime = options.sourceDateEpoch ?? sourceDateEpoch(repo);
  const name = (arch) => `ebs-autoscale-${version}-linux-${arch}`;
  mkdirSync(cacheDir, { recursive: true });
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const bundle = await bundleAgent(repo);
  const artifacts = [];
  for (const arch of options.arches ?? ARCHES) {
    const runtime = nodeRuntime({ arch, version: nodeVersion, cacheDir });
    const top = name(arch);
    const files = [
      { path: 'bin/ebs-autoscale', mode: 0o755, contents: launcherScript(BUNDLE_ENTRY) },
      { path: 'node/bin/node', mode: 0o755, contents: runtime.node },
      {
        path: 'THIRD-PARTY-LICENSES',
        mode: 0o644,
        contents: thirdPartyLicenses({ repo, metafile: bundle.metafile, nodeLicense: runtime.license, nodeVersion }),
      },
      ...bundle.files.map((file) => ({ path: `lib/${file.path}`, mode: 0o644, contents: file.contents })),
    ].map((entry) => ({ ...entry, path: `${top}/${entry.path}` }));
    const file = join(outDir, `${top}.tar.gz`);
    await writeTarGz(file, [...directoriesOf(files), ...files], { mtime });
    const bytes = readFileSync(file);
    artifacts.push({ arch, file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
  }
  const sums = artifacts.map((artifact) => `${artifact.sha256}  ${basename(artifact.file)}\n`).join('');
  writeFileSync(join(outDir, 'SHA256SUMS'), sums);
  const bundleBytes = bundle.files.reduce((total, file) => total + file.contents.byteLength, 0);
  return { artifacts, sums, bundleBytes, metafile: bundle.metafile, name };
}

/** Every parent directory of the files, as entries of their own, so tar sets their modes too. */
function directoriesOf(files) {
  const dirs = new Set();
  for (const { path } of files) for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) dirs.add(path.slice(0, at));
  return [...dirs].map((path) => ({ path, mode: 0o755 }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const release = await buildRelease();
  for (const artifact of release.artifacts) console.log(`${(artifact.bytes / 1e6).toFixed(1).padStart(6)} MB  ${artifact.file}`);
  console.log(`bundle ${(release.bundleBytes / 1e3).toFixed(0)} kB; SHA256SUMS:\n${release.sums}built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
