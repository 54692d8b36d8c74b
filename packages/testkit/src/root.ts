import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** True when this process runs as root (uid 0). Loop devices, mkfs and mount need it. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Prints a loud warning that tests were skipped and why. Our rule: a test that cannot run here must say
 * so in the output, never skip silently (CI runs as root, so CI runs them).
 */
export function warnSkip(what: string, reason: string): void {
  console.warn(`\n⚠️  SKIPPED: ${what} — ${reason}\n`);
}

/**
 * True when running as root; otherwise prints a loud warning naming `reason` and returns false. Use with
 * `describe.skipIf(!requireRootOrWarn('btrfs on loop devices'))`.
 */
export function requireRootOrWarn(reason: string): boolean {
  if (isRoot()) return true;
  warnSkip(reason, 'needs root (run as root, as CI does)');
  return false;
}

let loopUsable: boolean | undefined;

/**
 * True when this host can create loop devices: root, `losetup` present and `/dev/loop-control` there.
 * Checked once per process; it runs `losetup --version` synchronously because vitest decides skips at
 * collection time.
 */
export function canUseLoopDevices(): boolean {
  if (loopUsable !== undefined) return loopUsable;
  loopUsable = false;
  if (!isRoot() || !existsSync('/dev/loop-control')) return loopUsable;
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
    loopUsable = true;
  } catch {
    loopUsable = false;
  }
  return loopUsable;
}
