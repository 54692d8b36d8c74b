import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away copy of a cached rootfs to chroot into, with /proc, /dev and /sys of the host, and any
 * host directory bound at the same path (so paths in a config mean the same inside). Every bind is made
 * a slave: an unmount inside must not propagate back and unmount the host's own mounts (systemd makes
 * `/` shared, and a bind joins its peer group). `close()` unmounts all and removes the copy.
 */
export class Chroot {
  private readonly mounts: string[] = [];

  private constructor(readonly root: string) {}

  /** Copies `rootfs` (a few seconds for a minbase one), so a test never changes the cache. */
  static create(rootfs: string): Chroot {
    const parent = mkdtempSync(join(tmpdir(), 'ebs-autoscale-chroot-'));
    const root = join(parent, 'root');
    execFileSync('cp', ['-a', '--reflink=auto', rootfs, root]);
    const chroot = new Chroot(root);
    try {
      chroot.mount(['-t', 'proc', 'proc'], '/proc');
      chroot.bind('/dev');
      chroot.bind('/sys');
    } catch (error) {
      chroot.close();
      throw error;
    }
    return chroot;
  }

  /** Makes host `path` (with the mounts under it) visible at the same path inside. */
  bind(path: string): void {
    this.mount(['--rbind', path], path);
    execFileSync('mount', ['--make-rslave', join(this.root, path)]);
  }

  /** The argv that runs `argv` inside. */
  argv(argv: readonly string[]): string[] {
    return ['chroot', this.root, ...argv];
  }

  /** Runs `argv` inside; its stdout, or throws with its stderr. */
  run(argv: readonly string[], options: { input?: string } = {}): string {
    return execFileSync('chroot', [this.root, ...argv], {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      ...options,
    });
  }

  close(): void {
    for (const target of this.mounts.splice(0).reverse()) {
      try {
        execFileSync('umount', ['-R', target], { stdio: 'ignore' });
      } catch {
        // Busy (a process still inside): detach it now, the kernel finishes when it is free.
        execFileSync('umount', ['-R', '-l', target], { stdio: 'ignore' });
      }
    }
    // Never remove a tree that still has a mount in it: that would delete the host's /dev or /sys.
    const left = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((line) => line.split(' ')[4]?.startsWith(`${this.root}/`));
    if (left.length > 0) throw new Error(`still mounted under ${this.root}, not removing it:\n${left.join('\n')}`);
    rmSync(join(this.root, '..'), { recursive: true, force: true, maxRetries: 3 });
  }

  private mount(args: readonly string[], path: string): void {
    const target = join(this.root, path);
    mkdirSync(target, { recursive: true });
    execFileSync('mount', [...args, target]);
    this.mounts.push(target);
  }
}
