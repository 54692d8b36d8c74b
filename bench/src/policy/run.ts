import { GIB, StorageAutoscaler, type ScalingPolicy, type SpaceReclaimer } from '@ebs-autoscale/core';
import { InMemoryDriver, InMemoryProvisioner, MemoryHost } from '@ebs-autoscale/core/testing';
import { createRandom } from '../sim/random.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { BaselineAgent } from './baseline-agent.js';
import { EbsLatencyProvisioner } from './ebs-latency-provisioner.js';
import { FillModel, type FillMetrics } from './fill-model.js';
import { DEFAULT_LATENCIES, type Latencies } from './latencies.js';
import { MeteredDriver } from './metered-driver.js';
import type { Trace } from './workloads.js';

/** Who manages the disk: amazon-ebs-autoscale's loop, or the real StorageAutoscaler with a policy. */
export type Contender =
  { readonly name: string; readonly kind: 'baseline' } | { readonly name: string; readonly kind: 'autoscaler'; readonly policy: () => ScalingPolicy };

/** Options of {@link runTrace}. */
export interface RunOptions {
  /** Seeds the latency draws and the autoscaler's retry jitter. Default 1. */
  seed?: number;
  /** The initial volume, GiB. Default 100. */
  initialGiB?: number;
  /** Already written when the run starts, GiB (a disk found nearly full). Default 0. */
  initialUsedGiB?: number;
  latencies?: Latencies;
  /** What a workload adds beside its trace: reclaimers, or a job that talks to the autoscaler. */
  hooks?: RunHooks;
}

/** The parts of one run a workload may use. */
export interface RunParts {
  readonly clock: VirtualClock;
  readonly model: FillModel;
}

/**
 * A workload's part in a run beyond its trace. The baseline (amazon-ebs-autoscale) has neither
 * reclaimers nor reservations, so neither hook is called for it.
 */
export interface RunHooks {
  /** The autoscaler's reclaimers (`reclaimers:` of its options), built on the run's clock and fill model. */
  reclaimers?: (parts: RunParts) => SpaceReclaimer[];
  /** Called once the autoscaler started: a job that reserves space sets its timers here. */
  started?: (parts: RunParts & { readonly autoscaler: StorageAutoscaler }) => void;
  /**
   * Seconds the workload's own timeline ran late by the trace's end (a step that waited for its
   * reservation's grant): the run goes on that much longer, so its data is held as long as without.
   */
  lateBySeconds?: () => number;
}

/** What one run of one trace under one contender measured. */
export interface RunResult extends FillMetrics {
  readonly workload: string;
  readonly contender: string;
  readonly volumesCreated: number;
  readonly ec2Calls: number;
  /** Dollars for the allocated GiB-hours at the gp3 list price. */
  readonly costUsd: number;
  /** Dollars for the over-provisioned GiB-hours alone. */
  readonly overCostUsd: number;
}

/**
 * gp3 list price, us-east-1: $0.08 per GB-month (https://aws.amazon.com/ebs/pricing/; AWS bills
 * "GB-month" on GiB and a month of 730 hours).
 */
export const GP3_USD_PER_GIB_HOUR = 0.08 / 730;

/**
 * Plays a trace against a contender in virtual time. The autoscaler is core's real
 * `StorageAutoscaler` (its loop, one operation at a time, its capacity wait and retry), with core's
 * in-memory driver and provisioner wrapped to take EBS-like time; the baseline is a model of the bash
 * loop on the same clock, filesystem and latencies.
 */
export async function runTrace(trace: Trace, contender: Contender, options: RunOptions = {}): Promise<RunResult> {
  const random = createRandom(options.seed ?? 1);
  const latencies = options.latencies ?? DEFAULT_LATENCIES;
  const initialBytes = (options.initialGiB ?? 100) * GIB;
  const clock = new VirtualClock();
  const host = new MemoryHost();
  const inner = new InMemoryDriver({ host, initialBytes, mountPoint: '/scratch' });
  const model = new FillModel(inner, initialBytes, trace);
  model.preload((options.initialUsedGiB ?? 0) * GIB);
  const memoryProvisioner = new InMemoryProvisioner({ host, clock });
  let counts: () => { volumesCreated: number; ec2Calls: number };
  if (contender.kind === 'baseline') {
    const agent = new BaselineAgent({ clock, random, latencies, driver: inner, host, provisioner: memoryProvisioner, model });
    agent.start();
    counts = () => ({ volumesCreated: agent.volumesCreated, ec2Calls: agent.ec2Calls });
  } else {
    const provisioner = new EbsLatencyProvisioner({ inner: memoryProvisioner, clock, random, latencies });
    const driver = new MeteredDriver(inner, host, model, clock, random, latencies);
    const reclaimers = options.hooks?.reclaimers?.({ clock, model });
    const autoscaler = new StorageAutoscaler({ driver, provisioner, policy: contender.policy(), clock, retry: { random }, reclaimers });
    autoscaler.start();
    options.hooks?.started?.({ clock, model, autoscaler });
    counts = () => ({ volumesCreated: memoryProvisioner.calls.provision, ec2Calls: provisioner.totalCalls });
  }
  const advance = (atMs: number) => model.advanceTo(atMs / 1000);
  await clock.runUntil(trace.durationSeconds * 1000, advance);
  const late = contender.kind === 'autoscaler' ? (options.hooks?.lateBySeconds?.() ?? 0) : 0;
  if (late > 0) await clock.runUntil((trace.durationSeconds + late) * 1000, advance);
  const m = model.metrics;
  return {
    workload: trace.name,
    contender: contender.name,
    ...m,
    ...counts(),
    costUsd: m.allocatedGiBHours * GP3_USD_PER_GIB_HOUR,
    overCostUsd: m.overProvisionedGiBHours * GP3_USD_PER_GIB_HOUR,
  };
}
