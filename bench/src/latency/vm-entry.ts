// Runs inside the VM (started by in-vm.ts through scripts/vm/run-in-vm.mjs): N scale-ups of the LVM
// thin-pool driver on the loop-backed simulator, written as JSON to $EBS_VM_OUT for the host to read.
// It also runs on any root machine with device-mapper (from bench/):
//   node --experimental-transform-types --conditions=source --import ../scripts/resolve-ts.mjs src/latency/vm-entry.ts --runs 3 --out /tmp/x
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createExecaRunner } from '@ebs-autoscale/core';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lvmThinPool } from './filesystems.js';
import { VM_RESULT_FILE, measureHere, type VmLatencyResult } from './measurement.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, fs: { type: 'string', default: 'ext4' }, out: { type: 'string', default: process.env.EBS_VM_OUT } },
});
const runs = Number(values.runs);
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
if (values.fs !== 'ext4' && values.fs !== 'xfs') throw new Error(`--fs must be ext4 or xfs, got ${values.fs}`);
if (!values.out) throw new Error('No output directory: pass --out <dir>, or run this through the VM harness, which sets EBS_VM_OUT.');
if (process.getuid?.() !== 0) throw new Error('The LVM latency run needs root (loop devices, LVM, mounts). The VM harness runs it as root.');
if (!(existsSync('/proc/misc') && readFileSync('/proc/misc', 'utf8').includes('device-mapper'))) {
  throw new Error('This kernel has no device-mapper, which LVM thin pools need. Run it in the VM: `pnpm bench:latency` does.');
}

// TCG makes every lvm command take 0.5–1.5 s; five minutes is far past any healthy scale-up.
const measured = await measureHere(lvmThinPool(values.fs), runs, 'VM', 300_000);
// Each run removes its VG before the simulator detaches its loops; say so if one was left behind.
const { stdout } = await createExecaRunner().run('vgs', ['--noheadings', '-o', 'vg_name'], { allowFailure: true });
const left = stdout
  .split('\n')
  .map((line) => line.trim())
  .filter((name) => name.startsWith(`bench_latency_${process.pid}_`));
if (left.length > 0) console.warn(`[vm] volume groups left behind by the runs (a cleanup bug): ${left.join(', ')}`);
const result: VmLatencyResult = { ...measured, kernel: release(), cpus: cpus().length };
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, VM_RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
