import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where minimal Debian root filesystems are kept between runs (each takes 30–60 s to make): outside
 * the working tree, as apt keeps its own. CI starts without it and makes them once.
 */
export const ROOTFS_CACHE = process.env.EBS_AUTOSCALE_ROOTFS_CACHE ?? '/var/cache/ebs-autoscale/rootfs';

/** The Debian release of the rootfs: the one this machine runs, whose mirror and keyring it has. */
export const SUITE = 'bookworm';

/** The first Debian mirror of the machine's apt sources (deb822 or one-line form); Debian's CDN when none is found. */
export function debianMirror(): string {
  const texts = [
    ...(existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').map((file) => join('/etc/apt/sources.list.d', file)) : []),
    '/etc/apt/sources.list',
  ]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'));
  for (const text of texts) {
    const match = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text);
    if (match) return match[1]!;
  }
  return 'http://deb.debian.org/debian';
}

/** Why debootstrap cannot make a rootfs here, or undefined when it can. */
export function whyNoDebootstrap(): string | undefined {
  if (process.getuid?.() !== 0) return 'debootstrap and chroot need root';
  if (!commandExists('debootstrap')) return 'debootstrap is not installed (apt-get install debootstrap; scripts/bootstrap.sh does)';
  return undefined;
}

/**
 * A minimal Debian rootfs (`debootstrap --variant=minbase`), made once and cached. `foreign` runs only
 * the first stage (download and unpack, no package scripts), which needs no emulation of the
 * architecture: enough for qemu-user's `-L`, which wants the loader and the libraries.
 */
export function debianRootfs(options: { arch: 'amd64' | 'arm64'; include?: readonly string[]; foreign?: boolean }): string {
  const include = [...(options.include ?? [])].sort();
  const name = [SUITE, options.arch, 'minbase', ...(options.foreign ? ['foreign'] : []), ...include].join('-');
  const dir = join(ROOTFS_CACHE, name);
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(ROOTFS_CACHE, { recursive: true });
  // A partial tree of its own, renamed into place when complete: another run may be making the same one.
  const partial = mkdtempSync(`${dir}.partial-`);
  chmodSync(partial, 0o755); // a root directory as Debian's; mkdtemp makes it 0700
  const args = [
    '--variant=minbase',
    `--arch=${options.arch}`,
    ...(include.length > 0 ? [`--include=${include.join(',')}`] : []),
    ...(options.foreign ? ['--foreign'] : []),
    SUITE,
    partial,
    debianMirror(),
  ];
  try {
    execFileSync('debootstrap', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`debootstrap ${args.join(' ')} failed: ${(error as { stderr?: Buffer }).stderr?.toString().slice(-2000) ?? String(error)}`, {
      cause: error,
    });
  }
  writeFileSync(join(partial, '.complete'), `${args.join(' ')}\n`);
  // An incomplete tree from an interrupted run is in the way; a complete one from a concurrent run wins.
  if (existsSync(dir) && !existsSync(join(dir, '.complete'))) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(dir, '.complete'))) throw error;
  }
  return dir;
}

/** Whether `command` is on PATH. */
export function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
