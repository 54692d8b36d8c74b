// Boots the test VM once: the kernel, our initramfs, the host's root read-only over 9p and a writable
// share that carries the command in (run.sh) and its exit code out (exit-code).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { VmSetupError } from './errors.mjs';

/** The line init.sh prints once the chroot is ready; console output from here on is the command's. */
const READY_MARKER = '[vm-init] ready';

/**
 * Runs one VM to completion and resolves with the command's exit code (or 124 on timeout, 125 when
 * the VM died before writing one).
 *
 * TCG, not KVM: `/dev/kvm` may exist on a CI runner that is itself a VM, but a nested KVM guest hung
 * at boot there; TCG boots a Debian kernel to a shell in about 8 s, which is fine for a few minutes of
 * tests. 2 GiB and 2 vCPUs: the overlay's upper layer and /tmp (where tests put their loop images)
 * live in guest RAM.
 *
 * @param {{ kernel: string, initramfs: string, shareDir: string, logFile: string, timeoutMs: number,
 *           memoryMiB?: number, cpus?: number, onOutput?: (text: string) => void }} options
 */
export function bootVm(options) {
  const qemu = findQemu();
  const args = [
    '-accel',
    'tcg',
    // `max` gives the guest SSE4.2/AVX, which Node's V8 uses; the default qemu64 model lacks them.
    '-cpu',
    'max',
    '-smp',
    String(options.cpus ?? 2),
    '-m',
    String(options.memoryMiB ?? 2048),
    '-nodefaults',
    '-no-reboot',
    '-display',
    'none',
    '-serial',
    'stdio',
    '-kernel',
    options.kernel,
    '-initrd',
    options.initramfs,
    '-append',
    'console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init random.trust_cpu=on mitigations=off',
    '-virtfs',
    'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs',
    `local,path=${options.shareDir},mount_tag=vmshare,security_model=none,multidevs=remap`,
  ];
  const log = createWriteStream(options.logFile);
  log.write(`$ ${qemu} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(qemu, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let ready = false;
    let pending = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString('utf8').replaceAll('\r', '');
      log.write(text);
      if (ready) return options.onOutput?.(text);
      pending += text;
      const at = pending.indexOf(READY_MARKER);
      if (at >= 0) {
        ready = true;
        const rest = pending.slice(pending.indexOf('\n', at) + 1);
        pending = '';
        if (rest) options.onOutput?.(rest);
      }
    });
    child.stderr.on('data', (chunk) => log.write(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new VmSetupError(`cannot start ${qemu}: ${error.message}`, { hint: 'Install it: `apt-get install qemu-system-x86`.', cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log.end(`\n[vm-test] qemu exited (code ${code}, signal ${signal}${timedOut ? ', timed out' : ''})\n`, () => {
        const exitFile = join(options.shareDir, 'exit-code');
        if (timedOut) return resolve({ exitCode: 124, booted: ready, timedOut });
        if (!existsSync(exitFile)) return resolve({ exitCode: 125, booted: ready, timedOut });
        const value = Number.parseInt(readFileSync(exitFile, 'utf8').trim(), 10);
        resolve({ exitCode: Number.isFinite(value) ? value : 125, booted: ready, timedOut });
      });
    });
  });
}

/** The qemu binary on PATH; throws a {@link VmSetupError} naming the package when there is none. */
export function findQemu() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'qemu-system-x86_64');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new VmSetupError('qemu-system-x86_64 is not installed', { hint: 'Install it: `apt-get install qemu-system-x86`.' });
}
