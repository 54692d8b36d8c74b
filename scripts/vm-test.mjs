#!/usr/bin/env node
// `pnpm test:vm [files…]`: runs the `*.vm.test.ts` files inside a qemu VM with a real Debian kernel,
// for what this host's kernel can't do (device-mapper/LVM, online ext4 growth needs CAP_SYS_RESOURCE).
// The VM sees the host's root read-only (Node, lvm2, btrfs-progs, this checkout) with a tmpfs overlay,
// runs vitest with vitest.vm.config.ts, and this script exits with vitest's exit code.
// How it works and what it needs: scripts/vm/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { staleBuilds } from './build-freshness.mjs';
import { describeFailure, GUEST_OUT, REPO as repo, runInVm, VmSetupError } from './vm/run-in-vm.mjs';

/** Where VM tests live when no files are named. */
const TEST_ROOTS = ['packages', 'scripts/vm/test'];
/**
 * 30 minutes. The suite takes 7–10 minutes under TCG on an idle 2-core runner, and 15 and more while
 * other work loads the machine (a loaded fresh-clone run timed out at 15); past 30, something hangs.
 * CI's whole budget is 90 minutes, the host half about 5 of them.
 */
const DEFAULT_TIMEOUT_S = 1800;

async function main() {
  const named = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const files = named.length > 0 ? named.map((file) => relative(repo, resolve(file))) : findVmTests();
  if (files.length === 0) {
    console.error('[vm-test] no *.vm.test.ts files found under', TEST_ROOTS.join(', '));
    return 1;
  }
  buildIfStale();
  const timeoutS = Number(process.env.EBS_VM_TIMEOUT_S ?? DEFAULT_TIMEOUT_S);
  const outDir = mkdtempSync(join(tmpdir(), 'ebs-vm-test-'));
  try {
    const vitest = join(repo, 'node_modules', 'vitest', 'vitest.mjs');
    const result = await runInVm({
      // vitest's JSON report goes to the share's out directory, which runInVm copies back to outDir.
      command: [
        'node',
        vitest,
        'run',
        '--config',
        'vitest.vm.config.ts',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${GUEST_OUT}/vitest.json`,
        ...files,
      ],
      label: 'vm',
      outDir,
      timeoutS,
      onStatus: (line) => console.log(`[vm-test] ${line} (${files.length} file(s))`),
      onOutput: (text) => process.stdout.write(text),
    });
    const failure = describeFailure(result);
    if (failure) console.error(`\n[vm-test] ${failure}`);
    console.log(`\nVM: ${summarize(join(outDir, 'vitest.json'))} (exit code ${result.exitCode}, ${result.seconds}s)`);
    return result.exitCode;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * Inside the VM the agent runs from the built bin, not from its TypeScript sources (why: the comment on
 * AGENT_BIN in packages/cli/test/helpers/agent-process.ts), so dist/ must be current: build when any
 * package's dist is older than its sources.
 */
function buildIfStale() {
  const stale = staleBuilds(repo);
  if (stale.length === 0) return;
  console.log(`[vm-test] dist/ is older than the sources in ${stale.join(', ')}: running pnpm build first`);
  try {
    execFileSync('pnpm', ['build'], { cwd: repo, stdio: 'inherit' });
  } catch (error) {
    throw new Error(`[vm-test] pnpm build failed (${error.message}); build the packages (pnpm build) and run the VM tests again`, { cause: error });
  }
}

function summarize(jsonFile) {
  if (!existsSync(jsonFile)) return '0 test files, 0 tests ran inside the VM (vitest wrote no report)';
  const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  const files = report.testResults?.length ?? 0;
  return (
    `${files} test files, ${report.numTotalTests} tests ran inside the VM ` +
    `(${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + (report.numTodoTests ?? 0)} skipped)`
  );
}

function findVmTests() {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(repo, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.vm.test.ts')) out.push(path);
    }
  };
  for (const root of TEST_ROOTS) if (existsSync(join(repo, root))) walk(root);
  return out.sort();
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof VmSetupError ? error.message : error);
    if (error instanceof VmSetupError) console.error('[vm-test] cannot run the VM tests; see scripts/vm/README.md for what to install.');
    process.exit(2);
  },
);
