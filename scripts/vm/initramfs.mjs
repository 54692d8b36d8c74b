// Builds the VM's initramfs: busybox, the kernel modules the tests need, and `init.sh`. Everything
// else (Node, lvm2, btrfs-progs, the checkout) comes from the host's root over 9p, so the image stays
// a few megabytes and is rebuilt only when one of its inputs changes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VmSetupError } from './errors.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The modules the VM loads at boot, by name. Their dependencies (from modules.dep) are added and
 * everything is loaded in dependency order. `crc32c_generic` comes first because `libcrc32c`,
 * btrfs, ext4 and xfs ask for the `crc32c` algorithm through the crypto API (a soft dependency
 * modules.dep doesn't list), and without it loaded, their insmod fails.
 */
export const BOOT_MODULES = [
  'crc32c_generic',
  'virtio_pci',
  '9pnet_virtio',
  '9p',
  'overlay',
  'loop',
  'dm_mod',
  'dm_thin_pool',
  'dm_snapshot',
  'ext4',
  'xfs',
  'btrfs',
];

/** The busybox binary: it must be static, since the initramfs has no C library. */
const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];

/**
 * Returns the path of a cached initramfs for `kernel`, building it when any input changed.
 * @param {{ version: string, modulesDir: string }} kernel from `ensureKernel`
 * @param {string} cacheDir
 */
export function ensureInitramfs(kernel, cacheDir) {
  const busybox = findStaticBusybox();
  const init = readFileSync(join(here, 'init.sh'), 'utf8');
  const lvmConf = readFileSync(join(here, 'lvm.conf'), 'utf8');
  const modules = moduleLoadOrder(kernel.modulesDir, BOOT_MODULES);
  const key = createHash('sha256')
    .update(JSON.stringify({ version: kernel.version, init, lvmConf, modules, busybox: statSync(busybox).size }))
    .digest('hex')
    .slice(0, 12);
  const target = join(cacheDir, `initramfs-${kernel.version}-${key}.cpio`);
  if (existsSync(target)) return target;

  const staging = join(cacheDir, `initramfs-${key}.partial`);
  rmSync(staging, { recursive: true, force: true });
  for (const dir of ['bin', 'dev', 'proc', 'sys', 'etc', 'newroot', 'rw']) mkdirSync(join(staging, dir), { recursive: true });
  copyFileSync(busybox, join(staging, 'bin', 'busybox'));
  writeFileSync(join(staging, 'init'), init, { mode: 0o755 });
  writeFileSync(join(staging, 'etc', 'lvm.conf'), lvmConf);
  const moduleRoot = join(staging, 'lib', 'modules', kernel.version);
  for (const rel of modules) {
    mkdirSync(dirname(join(moduleRoot, rel)), { recursive: true });
    copyFileSync(join(kernel.modulesDir, rel), join(moduleRoot, rel));
  }
  for (const file of ['modules.dep', 'modules.builtin', 'modules.order']) copyFileSync(join(kernel.modulesDir, file), join(moduleRoot, file));
  writeFileSync(join(staging, 'etc', 'modules.list'), `${modules.join('\n')}\n`);
  writeFileSync(join(staging, 'etc', 'kernel-version'), `${kernel.version}\n`);

  const files = listTree(staging).map((path) => relative(staging, path) || '.');
  const archive = execFileSync('cpio', ['--quiet', '-o', '-H', 'newc', '-R', '0:0'], {
    cwd: staging,
    input: `${files.join('\n')}\n`,
    maxBuffer: 512 * 1024 * 1024,
  });
  writeFileSync(`${target}.tmp`, archive);
  renameSync(`${target}.tmp`, target);
  rmSync(staging, { recursive: true, force: true });
  return target;
}

/**
 * The modules (paths relative to the modules dir) to insmod, dependencies first. A post-order walk of
 * modules.dep: each module is listed after everything it needs.
 */
export function moduleLoadOrder(modulesDir, wanted) {
  const deps = new Map();
  const byName = new Map();
  for (const line of readFileSync(join(modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const [path, rest] = line.split(':');
    if (!path || rest === undefined) continue;
    deps.set(path, rest.trim() ? rest.trim().split(/\s+/) : []);
    byName.set(moduleName(path), path);
  }
  const order = [];
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const dep of deps.get(path) ?? []) visit(dep);
    order.push(path);
  };
  for (const name of wanted) {
    const path = byName.get(name.replaceAll('-', '_'));
    if (!path) {
      // Built into this kernel: nothing to load.
      if (readFileSync(join(modulesDir, 'modules.builtin'), 'utf8').includes(`/${name}.ko`)) continue;
      throw new VmSetupError(`kernel module ${name} is not in ${modulesDir}`, {
        hint: 'Use the generic linux-image-*-amd64 flavour (the -cloud flavour lacks 9p).',
      });
    }
    visit(path);
  }
  return order;
}

function moduleName(path) {
  return path
    .split('/')
    .pop()
    .replace(/\.ko(\.\w+)?$/, '')
    .replaceAll('-', '_');
}

function findStaticBusybox() {
  for (const candidate of BUSYBOX_CANDIDATES) {
    if (!existsSync(candidate)) continue;
    let description;
    try {
      description = execFileSync('file', ['-L', candidate], { encoding: 'utf8' });
    } catch {
      // No `file`: trust the path, busybox-static installs exactly this one.
      return candidate;
    }
    if (/statically linked|static-pie/.test(description)) return candidate;
  }
  throw new VmSetupError('no static busybox found', { hint: 'Install it: `apt-get install busybox-static`.' });
}

function listTree(dir) {
  const out = [dir];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTree(path));
    else out.push(path);
  }
  return out;
}
