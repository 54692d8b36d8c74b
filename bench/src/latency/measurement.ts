import { MIB } from '@ebs-autoscale/core';
import type { FilesystemUnderTest } from './filesystems.js';
import { runScaleUp, type ScaleUpSteps } from './scale-up-run.js';

/** 1 simulated GiB = 16 MiB of sparse loop file: a 16 GiB first volume is a 256 MiB device, btrfs's floor. */
export const BYTES_PER_GIB = 16 * MIB;
/** What vm-entry.ts writes to $EBS_VM_OUT. */
export const VM_RESULT_FILE = 'latency-lvm.json';

/** vm-entry.ts's output: one filesystem's runs inside the VM, and the guest they ran on. */
export interface VmLatencyResult extends MeasuredRuns {
  /** The guest's kernel release. */
  readonly kernel: string;
  /** The guest's vCPUs. */
  readonly cpus: number;
}

/** One row of the report: a filesystem on one machine, measured or not (and then why, loudly). */
export type Measurement = MeasuredRuns | NotMeasured;

export interface MeasuredRuns {
  readonly status: 'measured';
  readonly filesystem: string;
  /** Where it ran, e.g. `host` or `VM (qemu TCG, 2 vCPU)`. */
  readonly where: string;
  readonly runs: readonly ScaleUpSteps[];
}

export interface NotMeasured {
  readonly status: 'skipped' | 'failed';
  readonly filesystem: string;
  readonly where: string;
  /** Says what happened and what to do, e.g. which package to install. */
  readonly reason: string;
}

/**
 * `runs` scale-ups of `filesystem` on this machine, one after the other, each in a fresh world.
 * `timeoutMs` bounds each scale-up (see {@link runScaleUp}).
 */
export async function measureHere(filesystem: FilesystemUnderTest, runs: number, where: string, timeoutMs?: number): Promise<MeasuredRuns> {
  const results: ScaleUpSteps[] = [];
  for (let i = 0; i < runs; i += 1) {
    const steps = await runScaleUp({ bytesPerGiB: BYTES_PER_GIB, filesystem, timeoutMs });
    results.push(steps);
    console.log(`${filesystem.name} (${where}) run ${i + 1}/${runs}: ${steps.total} ms from the threshold crossing to the grown filesystem`);
  }
  return { status: 'measured', filesystem: filesystem.name, where, runs: results };
}
