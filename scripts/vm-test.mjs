#!/usr/bin/env node
// `pnpm test:vm [files…]`: runs the `*.vm.test.ts` files inside a qemu VM with a real Debian kernel,
// for what this host's kernel can't do (device-mapper/LVM, online ext4 growth needs CAP_SYS_RESOURCE).
// The VM sees the host's root read-only (Node, lvm2, btrfs-progs, this checkout) with a tmpfs overlay,
// runs vitest with vitest.vm.config.ts, and this script exits with vitest's exit code.
// How it works and what it needs: scripts/vm/README.md.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootVm, findQemu } from './vm/boot.mjs';
import { VmSetupError } from './vm/errors.mjs';
import { ensureInitramfs } from './vm/initramfs.mjs';
import { ensureKernel } from './vm/kernel.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(repo, '.vm-cache');
/** Where VM tests live when no files are named. */
const TEST_ROOTS = ['packages', 'scripts/vm/test'];
/** 15 minutes: the suite is meant to take well under 10 under TCG; past this, something hangs. */
const DEFAULT_TIMEOUT_S = 900;

async function main() {
  const named = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const files = named.length > 0 ? named.map((file) => relative(repo, resolve(file))) : findVmTests();
  if (files.length === 0) {
    console.error('[vm-test] no *.vm.test.ts files found under', TEST_ROOTS.join(', '));
    return 1;
  }
  findQemu(); // before a 70 MB kernel download
  const started = Date.now();
  const kernel = ensureKernel(cacheDir);
  const initramfs = ensureInitramfs(kernel, cacheDir);
  mkdirSync(join(cacheDir, 'logs'), { recursive: true });
  const logFile = join(cacheDir, 'logs', `vm-${new Date().toISOString().replaceAll(':', '-')}.log`);
  const shareDir = mkdtempSync(join(tmpdir(), 'ebs-vm-'));
  try {
    writeFileSync(join(shareDir, 'run.sh'), runScript(files), { mode: 0o755 });
    // init.sh keeps this path visible in the guest even where it puts a tmpfs (a checkout under /tmp).
    writeFileSync(join(shareDir, 'repo-path'), repo);
    console.log(`[vm-test] booting ${kernel.package} under qemu (TCG) for ${files.length} file(s); console log: ${relative(repo, logFile)}`);
    const timeoutS = Number(process.env.EBS_VM_TIMEOUT_S ?? DEFAULT_TIMEOUT_S);
    const result = await bootVm({
      kernel: kernel.vmlinuz,
      initramfs,
      shareDir,
      logFile,
      timeoutMs: timeoutS * 1000,
      onOutput: (text) => process.stdout.write(text),
    });
    const seconds = Math.round((Date.now() - started) / 1000);
    if (!result.booted || result.timedOut) {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      console.error(`\n[vm-test] ${result.timedOut ? `timed out after ${timeoutS}s` : 'the VM did not reach its command'}; last console lines:\n${tail}`);
    }
    console.log(`\nVM: ${summarize(join(shareDir, 'vitest.json'))} (exit code ${result.exitCode}, ${seconds}s)`);
    return result.exitCode;
  } finally {
    rmSync(shareDir, { recursive: true, force: true });
  }
}

/**
 * The command the VM runs. vitest's output is piped through `cat` so that it sees no TTY (the serial
 * console is one) and prints plain lines instead of redrawing a progress view.
 */
function runScript(files) {
  const nodeDir = dirname(process.execPath);
  const vitest = join(repo, 'node_modules', 'vitest', 'vitest.mjs');
  const args = ['run', '--config', 'vitest.vm.config.ts', '--reporter=default', '--reporter=json', '--outputFile.json=/vmshare/vitest.json', ...files];
  return [
    '#!/bin/sh',
    `export PATH=${quote(nodeDir)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    'export HOME=/root CI=1 EBS_AUTOSCALE_VM=1',
    // Colours only when they reach a terminal on the host.
    process.stdout.isTTY ? 'export FORCE_COLOR=1' : 'export NO_COLOR=1',
    `cd ${quote(repo)} || exit 126`,
    `{ node ${[vitest, ...args].map(quote).join(' ')} </dev/null; echo $? >/vmshare/vitest-exit; } 2>&1 | cat`,
    'exit "$(cat /vmshare/vitest-exit 2>/dev/null || echo 125)"',
    '',
  ].join('\n');
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

function quote(value) {
  return `'${String(value).replaceAll("'", `'\\''`)}'`;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof VmSetupError ? error.message : error);
    if (error instanceof VmSetupError) console.error('[vm-test] cannot run the VM tests; see scripts/vm/README.md for what to install.');
    process.exit(2);
  },
);
