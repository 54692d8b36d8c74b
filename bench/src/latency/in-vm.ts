import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VmSetupError, runInVm } from '../../../scripts/vm/run-in-vm.mjs';
import { VM_RESULT_FILE, type Measurement, type VmLatencyResult } from './measurement.js';

/** Options of {@link measureInVm}. */
export interface InVmOptions {
  readonly runs: number;
  readonly filesystem: 'ext4' | 'xfs';
  /** Boot, guest Node start-up and the runs; past this the VM is killed. Default: runInVm's. */
  readonly timeoutS?: number;
}

const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs vm-entry.ts in the test VM (scripts/vm/run-in-vm.mjs: a Debian kernel with device-mapper under
 * qemu TCG, 2 vCPUs) and reads its JSON back. Never throws for a VM that can't run: a machine without
 * qemu gives a `skipped` measurement, a VM or run that fails a `failed` one, each with the reason and
 * what to do, so the report says so instead of leaving the row out.
 */
export async function measureInVm(options: InVmOptions): Promise<Measurement> {
  const filesystem = `LVM thin-pool + ${options.filesystem}`;
  const where = 'VM (qemu TCG)';
  const outDir = mkdtempSync(join(tmpdir(), 'ebs-autoscale-bench-latency-vm-'));
  try {
    const result = await runInVm({
      // The same flags as bench/package.json's scripts: Node runs the TypeScript sources directly.
      command: [
        'node',
        '--experimental-transform-types',
        '--no-warnings',
        '--conditions=source',
        '--import',
        '../scripts/resolve-ts.mjs',
        'src/latency/vm-entry.ts',
        '--runs',
        String(options.runs),
        '--fs',
        options.filesystem,
      ],
      cwd: BENCH_DIR,
      outDir,
      label: 'bench-latency',
      timeoutS: options.timeoutS,
      onOutput: (text) => process.stdout.write(text),
      onStatus: (line) => console.log(`[vm] ${line}`),
    });
    const file = join(outDir, VM_RESULT_FILE);
    if (result.exitCode !== 0 || !existsSync(file)) {
      const why = result.timedOut
        ? `timed out after ${result.timeoutS} s`
        : !result.booted
          ? 'the VM did not boot'
          : `the run in the VM exited with ${result.exitCode}`;
      return { status: 'failed', filesystem, where, reason: `${why}; the console is in ${result.logFile}` };
    }
    const measured = JSON.parse(readFileSync(file, 'utf8')) as VmLatencyResult;
    return { ...measured, where: `VM (qemu TCG, ${measured.cpus} vCPU, kernel ${measured.kernel})` };
  } catch (error) {
    if (error instanceof VmSetupError)
      return { status: 'skipped', filesystem, where, reason: error.message.replace(/^\[vm-test\] /, '').replace(/\s*\n\s*/g, ' ') };
    throw error;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
