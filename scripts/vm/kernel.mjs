// Fetches and unpacks a Debian kernel for the test VM. The host kernel can't be used: it has no
// device-mapper, and a VM needs a kernel image plus modules we can load ourselves anyway.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { VmSetupError } from './errors.mjs';

/**
 * The kernel package to use: the one Debian's `linux-image-amd64` metapackage depends on today, so
 * the VM follows the distribution's security updates without a pinned version in the repository.
 * `EBS_VM_KERNEL_PACKAGE` overrides it (e.g. `linux-image-6.1.0-56-amd64`).
 *
 * The generic `-amd64` flavour, not `-cloud-amd64`: the cloud flavour has no 9p, which the VM needs
 * to see the host's root.
 */
export function resolveKernelPackage() {
  if (process.env.EBS_VM_KERNEL_PACKAGE) return process.env.EBS_VM_KERNEL_PACKAGE;
  let out;
  try {
    out = execFileSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new VmSetupError('cannot ask apt which kernel to use (`apt-cache depends linux-image-amd64` failed)', {
      hint: 'Run on Debian/Ubuntu with apt, or set EBS_VM_KERNEL_PACKAGE=linux-image-<version>-amd64.',
      cause: error,
    });
  }
  const match = /Depends:\s*(linux-image-[\w.+-]+-amd64)\b/.exec(out);
  if (!match?.[1]) {
    throw new VmSetupError(`\`apt-cache depends linux-image-amd64\` names no kernel package:\n${out}`, {
      hint: 'Run `apt-get update` first, or set EBS_VM_KERNEL_PACKAGE=linux-image-<version>-amd64.',
    });
  }
  return match[1];
}

/**
 * Makes sure `<cacheDir>/<package>/` holds the unpacked kernel package and returns where its parts
 * are. Downloads with `apt-get download` (no root needed, installs nothing) and unpacks with
 * `dpkg -x`; a second run finds the cache and does neither.
 */
export function ensureKernel(cacheDir) {
  const pkg = resolveKernelPackage();
  const version = pkg.replace(/^linux-image-/, '');
  const root = join(cacheDir, pkg);
  const vmlinuz = join(root, 'boot', `vmlinuz-${version}`);
  const modulesDir = join(root, 'lib', 'modules', version);
  if (!existsSync(vmlinuz) || !existsSync(join(modulesDir, 'modules.dep'))) {
    mkdirSync(cacheDir, { recursive: true });
    const staging = join(cacheDir, `${pkg}.partial`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
      run('apt-get', ['download', '-o', 'APT::Sandbox::User=root', pkg], staging, `download ${pkg}`);
      const deb = readdirSync(staging).find((name) => name.endsWith('.deb'));
      if (!deb) throw new VmSetupError(`apt-get download ${pkg} produced no .deb`, { hint: 'Run `apt-get update` and try again.' });
      run('dpkg', ['-x', deb, 'root'], staging, `unpack ${deb}`);
      // The .deb ships no modules.dep (the postinst generates it); make one so we can follow dependencies.
      run('depmod', ['-b', join(staging, 'root'), version], staging, 'generate modules.dep');
      rmSync(root, { recursive: true, force: true });
      renameSync(join(staging, 'root'), root);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return { package: pkg, version, vmlinuz, modulesDir };
}

function run(command, args, cwd, what) {
  try {
    execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String(error.stderr ?? '').trim();
    throw new VmSetupError(`could not ${what}: \`${command} ${args.join(' ')}\` failed${stderr ? `: ${stderr}` : ''}`, {
      hint: error.code === 'ENOENT' ? `Install \`${command}\` (see scripts/vm/README.md).` : 'See scripts/vm/README.md for what the VM harness needs.',
      cause: error,
    });
  }
}
