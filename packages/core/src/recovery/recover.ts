import type { Clock } from '../clock.js';
import type { FilesystemDriver } from '../filesystem-driver.js';
import type { GrowthStrategy } from '../growth/strategy.js';
import type { KeptVolume } from '../release-guard.js';
import { adoptStrays, type AdoptStraysOptions, type StrayReport } from '../strays.js';
import type { OwnedVolume, ReconcileReport, VolumeProvisioner } from '../volume-provisioner.js';

/** Options of crash recovery (`StorageAutoscalerOptions.recovery`): what to do with strays, and how long to let devices appear. */
export type RecoveryOptions = Partial<AdoptStraysOptions>;

/** What crash recovery found and did. */
export interface RecoveryReport {
  /** The provisioner's reconcile; undefined when it has none. */
  readonly reconcile: ReconcileReport | undefined;
  /** The owned, attached volumes outside the filesystem, and what became of each. */
  readonly strays: StrayReport;
  /** How long recovery took on the autoscaler's clock, ms. */
  readonly durationMs: number;
}

/** What recovery works with: the plug-ins, the clock, the chosen growth, and where kept volumes and add failures go. */
export interface RecoveryContext {
  readonly driver: FilesystemDriver;
  readonly provisioner: VolumeProvisioner;
  readonly clock: Clock;
  readonly growth: GrowthStrategy | undefined;
  readonly signal?: AbortSignal;
  keep(kept: KeptVolume): void;
  onAddFailed(volume: OwnedVolume, error: unknown): void;
}

/**
 * Repairs what a crash left, in the one order that is safe: first the cloud (the provisioner's
 * reconcile attaches or deletes volumes left unattached and sets DeleteOnTermination), then the host
 * (owned, attached volumes outside the filesystem are adopted, or released only when proven unused),
 * then the filesystem (the growth strategy finishes what an earlier run paid for: grow-in-place grows
 * onto a volume enlarged before the stop). Run after the driver's `prepare()`, on the injected clock.
 * A reconcile that fails throws: the cloud's state is unknown, so nothing after it may run.
 */
export async function recover(context: RecoveryContext, options: RecoveryOptions = {}): Promise<RecoveryReport> {
  const { driver, provisioner, clock } = context;
  const started = clock.now();
  const reconcile = provisioner.reconcile ? await provisioner.reconcile() : undefined;
  const strays = await adoptStrays(
    { driver, provisioner, clock, onAddFailed: (volume, error) => context.onAddFailed(volume, error), ...(context.signal ? { signal: context.signal } : {}) },
    { ...options, orphans: options.orphans ?? 'delete' },
  );
  for (const kept of strays.kept) context.keep(kept);
  await context.growth?.recover?.();
  return { reconcile, strays, durationMs: clock.now() - started };
}
