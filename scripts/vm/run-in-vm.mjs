// Runs one command inside the test VM and returns its exit code: the part of `vm-test.mjs` that is not
// about vitest (kernel, initramfs, share dir, log, boot), so that other tools (the latency benchmark)
// can run a Node script in the VM and get files back from it. How the VM works: README.md here.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootVm, findQemu } from './boot.mjs';
import { ensureInitramfs } from './initramfs.mjs';
import { ensureKernel } from './kernel.mjs';

export { VmSetupError } from './errors.mjs';

/** The checkout: the guest sees it at the same path (init.sh keeps it visible even under /tmp). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Kernel, initramfs and console logs, shared by every VM run of this checkout. */
export const CACHE_DIR = join(REPO, '.vm-cache');
/** Where the guest finds the writable share, and under it the directory whose files come back to the host. */
const GUEST_SHARE = '/vmshare';
/** The guest's path of `$EBS_VM_OUT`, for a command that must name it in its arguments (no shell expands them). */
export const GUEST_OUT = `${GUEST_SHARE}/out`;

/**
 * Boots the VM, runs `command` (an argument vector, no shell) in `cwd` as root, and resolves when the VM
 * has powered off. `PATH` starts with the host Node's directory, `EBS_AUTOSCALE_VM=1` and `EBS_VM_OUT`
 * (a directory in the writable share) are set; what the command writes to `EBS_VM_OUT` is copied to
 * `outDir` on the host. Throws `VmSetupError` when the VM cannot be set up here (no qemu, no kernel).
 *
 * Concurrent runs don't collide: each has its own temp share dir and its own log file, and building
 * the kernel/initramfs cache is serialised by a lock directory in `.vm-cache`.
 *
 * @param {import('./run-in-vm.d.mts').RunInVmOptions} options
 * @returns {Promise<import('./run-in-vm.d.mts').RunInVmResult>}
 */
export async function runInVm(options) {
  const label = options.label ?? 'vm-run';
  findQemu(); // before a 70 MB kernel download
  const started = Date.now();
  const { kernel, initramfs } = withSetupLock(() => {
    const kernel = ensureKernel(CACHE_DIR);
    return { kernel, initramfs: ensureInitramfs(kernel, CACHE_DIR) };
  });
  mkdirSync(join(CACHE_DIR, 'logs'), { recursive: true });
  // The pid as well as the time: two runs may start in the same millisecond.
  const logFile = join(CACHE_DIR, 'logs', `${label}-${new Date().toISOString().replaceAll(':', '-')}-${process.pid}.log`);
  const shareDir = mkdtempSync(join(tmpdir(), 'ebs-vm-'));
  try {
    mkdirSync(join(shareDir, 'out'));
    writeFileSync(join(shareDir, 'run.sh'), runScript(options), { mode: 0o755 });
    writeFileSync(join(shareDir, 'repo-path'), REPO);
    options.onStatus?.(`booting ${kernel.package} under qemu (TCG); console log: ${relative(REPO, logFile)}`);
    const result = await bootVm({
      kernel: kernel.vmlinuz,
      initramfs,
      shareDir,
      logFile,
      timeoutMs: (options.timeoutS ?? 900) * 1000,
      onOutput: options.onOutput,
    });
    if (options.outDir) {
      mkdirSync(options.outDir, { recursive: true });
      cpSync(join(shareDir, 'out'), options.outDir, { recursive: true });
    }
    const consoleTail = !result.booted || result.timedOut ? readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n') : undefined;
    return { ...result, seconds: Math.round((Date.now() - started) / 1000), logFile, kernelPackage: kernel.package, consoleTail };
  } finally {
    rmSync(shareDir, { recursive: true, force: true });
  }
}

/** The command the VM runs; its output goes through `cat`, so that it sees no TTY on the serial console. */
function runScript(options) {
  const env = { HOME: '/root', CI: '1', EBS_AUTOSCALE_VM: '1', EBS_VM_OUT: GUEST_OUT, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' }), ...options.env };
  return [
    '#!/bin/sh',
    `export PATH=${quote(dirname(process.execPath))}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    ...Object.entries(env).map(([name, value]) => `export ${name}=${quote(value)}`),
    `cd ${quote(options.cwd ?? REPO)} || exit 126`,
    `{ ${options.command.map(quote).join(' ')} </dev/null; echo $? >${GUEST_SHARE}/command-exit; } 2>&1 | cat`,
    `exit "$(cat ${GUEST_SHARE}/command-exit 2>/dev/null || echo 125)"`,
    '',
  ].join('\n');
}

/**
 * Runs `build` holding `.vm-cache/setup.lock` (a directory: mkdir is atomic), so two runs never unpack
 * a kernel or write an initramfs into the same staging path at once. A lock older than 15 minutes is
 * taken to be left over from a killed run (a first download and build takes about one).
 */
function withSetupLock(build) {
  const lock = join(CACHE_DIR, 'setup.lock');
  mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() - lockTime(lock) > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`[vm-run] ${lock} has been held for 20 minutes; remove it if no VM run is building the cache.`, { cause: error });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** When the lock was taken; now if it was released meanwhile. */
function lockTime(lock) {
  try {
    return statSync(lock).mtimeMs;
  } catch {
    return Date.now();
  }
}

function quote(value) {
  return `'${String(value).replaceAll("'", `'\\''`)}'`;
}
