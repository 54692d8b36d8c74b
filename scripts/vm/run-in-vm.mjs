// Runs one command inside the test VM and returns its exit code: the part of `vm-test.mjs` that is not
// about vitest (kernel, initramfs, share dir, log, boot), so that other tools (the latency benchmark)
// can run a Node script in the VM and get files back from it. How the VM works: README.md here.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  const timeoutS = options.timeoutS ?? 900;
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
      timeoutMs: timeoutS * 1000,
      onOutput: options.onOutput,
    });
    if (options.outDir) {
      mkdirSync(options.outDir, { recursive: true });
      cpSync(join(shareDir, 'out'), options.outDir, { recursive: true });
    }
    const consoleTail = !result.booted || result.timedOut ? readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n') : undefined;
    return { ...result, seconds: Math.round((Date.now() - started) / 1000), timeoutS, logFile, kernelPackage: kernel.package, consoleTail };
  } finally {
    rmSync(shareDir, { recursive: true, force: true });
  }
}

/**
 * Why the VM did not run its command to the end (it timed out, or never reached it), with the last
 * console lines, for the callers' error output; undefined when the command ran (its exit code tells).
 *
 * @param {import('./run-in-vm.d.mts').RunInVmResult} result
 */
export function describeFailure(result) {
  if (result.consoleTail === undefined) return undefined;
  return `${result.timedOut ? `timed out after ${result.timeoutS}s` : 'the VM did not reach its command'}; last console lines:\n${result.consoleTail}`;
}

/** The command the VM runs; its output goes through `cat`, so that it sees no TTY on the serial console. */
function runScript(options) {
  const env = {
    HOME: '/root',
    CI: '1',
    EBS_AUTOSCALE_VM: '1',
    EBS_VM_OUT: GUEST_OUT,
    ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' }),
    ...options.env,
  };
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

/** How long a run waits for another's cache build; also the age past which a lock counts as abandoned. */
const SETUP_LOCK_DEADLINE_MS = 20 * 60_000;

/**
 * Runs `build` holding `.vm-cache/setup.lock`, so two runs never unpack a kernel or write an initramfs
 * into the same staging path at once. The lock is a directory holding an `owner` file (pid and a random
 * token). It is stale only when that pid is dead on this host, or when it is older than the deadline:
 * a first download and build takes about a minute, a slow mirror many more, and a live owner keeps its
 * lock until then.
 */
function withSetupLock(build) {
  const lock = join(CACHE_DIR, 'setup.lock');
  const token = `${process.pid} ${randomUUID()}`;
  mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + SETUP_LOCK_DEADLINE_MS;
  while (!tryLock(lock, token)) {
    const owner = staleOwner(lock);
    if (owner !== undefined) removeStale(lock, owner);
    else if (Date.now() > deadline) throw new Error(`[vm-run] ${lock} has been held for 20 minutes; remove it if no VM run is building the cache.`);
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  try {
    return build();
  } finally {
    // Only our own lock: had ours been taken over as stale, the lock there now is someone else's. Moved
    // away before it is removed: a lock emptied in place could be replaced by a waiter's rename meanwhile.
    if (readOwner(lock) === token) {
      const released = `${lock}.released-${process.pid}-${randomUUID()}`;
      renameSync(lock, released);
      rmSync(released, { recursive: true, force: true });
    }
  }
}

/**
 * Takes the lock by renaming a directory that already holds our owner file onto the lock's path: the
 * rename is atomic and fails when the lock exists (a lock is never empty: rename would replace an empty
 * directory), so no one ever sees a lock without its owner.
 */
function tryLock(lock, token) {
  const mine = `${lock}.new-${process.pid}-${randomUUID()}`;
  mkdirSync(mine);
  writeFileSync(join(mine, 'owner'), token);
  try {
    renameSync(mine, lock);
    return true;
  } catch (error) {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(mine, { recursive: true, force: true });
  }
}

/** The owner token of a lock left over from a run that is gone (`''` if it has none), else undefined. */
function staleOwner(lock) {
  const owner = readOwner(lock) ?? '';
  let takenAt;
  try {
    takenAt = statSync(lock).mtimeMs;
  } catch {
    return undefined; // released meanwhile: the next try takes it
  }
  if (Date.now() - takenAt > SETUP_LOCK_DEADLINE_MS) return owner;
  const pid = Number(owner.split(' ')[0]);
  if (!(pid > 0)) return undefined;
  try {
    process.kill(pid, 0); // signal 0 only asks whether the process exists
    return undefined;
  } catch (error) {
    return error.code === 'ESRCH' ? owner : undefined; // EPERM: alive, another user's
  }
}

/**
 * Removes a stale lock without racing other waiters that found it stale too: only one rename of the
 * lock succeeds, and the winner checks that what it moved is the lock it judged stale. If it is not
 * (the lock was freed and taken afresh in between), it moves it back. Only if a third run took the path
 * in that instant too does the rename back fail; that owner has then lost its lock (and won't remove the
 * new one), the one case this lock does not cover.
 */
function removeStale(lock, staleToken) {
  const moved = `${lock}.stale-${process.pid}-${randomUUID()}`;
  try {
    renameSync(lock, moved);
  } catch (error) {
    if (error.code === 'ENOENT') return; // another waiter moved it first
    throw error;
  }
  if ((readOwner(moved) ?? '') !== staleToken) {
    try {
      renameSync(moved, lock);
      return;
    } catch {
      // fall through: the path is someone else's now
    }
  }
  rmSync(moved, { recursive: true, force: true });
}

/** The lock's owner token, or undefined when there is no lock or it has no owner file (an older checkout's lock). */
function readOwner(lock) {
  try {
    return readFileSync(join(lock, 'owner'), 'utf8');
  } catch {
    return undefined;
  }
}

function quote(value) {
  return `'${String(value).replaceAll("'", `'\\''`)}'`;
}
