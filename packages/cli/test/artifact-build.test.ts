// Issue 13, item 1: `pnpm release` is reproducible, and the bundle is lean where it was not: the AWS SDK
// tree-shaken to the actions used, the simulator only in the demo's chunk, `--help` loading neither.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease, type Release } from '../../../scripts/release/build-release.mjs';
import { agentPathInputs } from '../../../scripts/release/bundle.mjs';

/** The bytes each third-party package contributes to the outputs matching `outputs`. */
function bytesByPackage(release: Release, outputs: (path: string) => boolean): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const [path, output] of Object.entries(release.metafile.outputs)) {
    if (!outputs(path)) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input)?.[1];
      if (name === undefined) continue; // our own sources
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return sizes;
}

describe('pnpm release (esbuild, the Node runtime from the npm registry)', () => {
  const work = mkdtempSync(join(tmpdir(), 'ebs-autoscale-release-'));
  let first: Release;
  let second: Release;

  beforeAll(async () => {
    // At once and with one time stamp: in a working tree that others commit to, HEAD's time (the
    // default SOURCE_DATE_EPOCH) and the sources can change between two builds made one after the other.
    const sourceDateEpoch = Math.floor(Date.now() / 1000);
    [first, second] = await Promise.all([
      buildRelease({ outDir: join(work, 'a'), sourceDateEpoch }),
      buildRelease({ outDir: join(work, 'b'), sourceDateEpoch }),
    ]);
  }, 600_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('gives the same SHA-256 for two builds of one commit, in SHA256SUMS', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(first.artifacts.map((artifact) => basename(artifact.file))).toEqual([
      `ebs-autoscale-${version}-linux-x64.tar.gz`,
      `ebs-autoscale-${version}-linux-arm64.tar.gz`,
    ]);
    expect(second.sums).toBe(first.sums);
    expect(readFileSync(join(work, 'a/SHA256SUMS'), 'utf8')).toBe(first.sums);
    // The file as sha256sum checks it on a host.
    expect(execFileSync('sha256sum', ['--check', 'SHA256SUMS'], { cwd: join(work, 'a'), encoding: 'utf8' })).toMatch(
      /linux-x64\.tar\.gz: OK\n.*linux-arm64\.tar\.gz: OK/,
    );
  });

  it('holds the launcher, the bundle, the Node runtime and the licences, owned by 0/0 at the commit time', () => {
    const listing = execFileSync('tar', ['-tvzf', first.artifacts[0]!.file, '--numeric-owner', '--full-time'], { encoding: 'utf8', maxBuffer: 1 << 24 })
      .trim()
      .split('\n');
    const top = first.name('x64');
    const paths = listing.map((line) => line.split(/\s+/).at(-1)!);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toEqual(
      expect.arrayContaining([`${top}/bin/ebs-autoscale`, `${top}/node/bin/node`, `${top}/lib/ebs-autoscale.mjs`, `${top}/THIRD-PARTY-LICENSES`]),
    );
    expect(new Set(listing.map((line) => line.split(/\s+/)[1]))).toEqual(new Set(['0/0']));
    expect(new Set(listing.map((line) => line.split(/\s+/).slice(3, 5).join(' '))).size).toBe(1);
    expect(listing.find((line) => line.endsWith('/bin/ebs-autoscale'))).toMatch(/^-rwxr-xr-x/);
  });

  it('lists the licence of every bundled package and of Node', () => {
    const licenses = execFileSync('tar', ['-xzOf', first.artifacts[0]!.file, `${first.name('x64')}/THIRD-PARTY-LICENSES`], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const bundled = [...bytesByPackage(first, () => true)].filter(([, bytes]) => bytes > 0).map(([name]) => name);
    expect(bundled.length).toBeGreaterThan(10);
    for (const name of bundled) expect(licenses, name).toContain(`## ${name} `);
    expect(licenses).toMatch(/^## node \d+\.\d+\.\d+$/m);
  });

  it('tree-shakes the AWS SDK to the EC2 actions used (issue 13, item 3)', () => {
    // 870 kB before sdk-schemas-plugin.mjs: the schemas of every EC2 action.
    expect(bytesByPackage(first, () => true).get('@aws-sdk/client-ec2')).toBeLessThan(100_000);
  });

  it('keeps the simulator in the demo chunk, and --help loads neither the SDK nor pino', () => {
    const agentPath = agentPathInputs(first.metafile);
    expect(agentPath.filter((input) => input.includes('packages/ec2-sim/'))).toEqual([]);
    expect(Object.keys(first.metafile.inputs).some((input) => input.startsWith('packages/ec2-sim/'))).toBe(true);
    const entry = Object.entries(first.metafile.outputs).find(([, output]) => output.entryPoint === 'release-entry.mjs')!;
    const staticClosure = new Set<string>([entry[0]]);
    for (const path of staticClosure)
      for (const imported of first.metafile.outputs[path]!.imports)
        if (imported.kind === 'import-statement' && !imported.external) staticClosure.add(imported.path);
    const loaded = [...staticClosure].flatMap((path) => Object.keys(first.metafile.outputs[path]!.inputs));
    expect(loaded.filter((input) => /@aws-sdk|@smithy|\/pino\/|prom-client|ec2-sim/.test(input))).toEqual([]);
  });

  it("imports Node's builtins through require, and `run` loads no metrics and no CommonJS build of the SDK (issue 13, item 3)", () => {
    // An ES module import of a builtin reads all its getters: `node:http`'s load undici (11 MiB idle).
    // Only node:module remains, which the stand-ins import createRequire from: its getters load nothing.
    const esmBuiltins = new Set(
      Object.values(first.metafile.outputs).flatMap((output) =>
        output.imports
          .filter((imported) => imported.external && imported.kind === 'import-statement' && isBuiltin(imported.path))
          .map((imported) => imported.path),
      ),
    );
    expect([...esmBuiltins].sort()).toEqual(['node:module']);
    const run = Object.entries(first.metafile.outputs).find(([, output]) => output.entryPoint?.endsWith('cli/run-command.ts'))!;
    const closure = new Set<string>([run[0]]);
    for (const path of closure)
      for (const imported of first.metafile.outputs[path]!.imports) if (imported.kind === 'import-statement' && !imported.external) closure.add(imported.path);
    const loaded = [...closure].flatMap((path) => Object.keys(first.metafile.outputs[path]!.inputs));
    expect(loaded.some((input) => input.includes('@aws-sdk/client-ec2/'))).toBe(true);
    // prom-client only with a metrics port; the SDK's ES modules, which tree-shake, not its dist-cjs.
    expect(loaded.filter((input) => /prom-client|@opentelemetry|\/dist-cjs\//.test(input))).toEqual([]);
  });
});
