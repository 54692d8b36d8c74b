import { sleep, type Clock } from './clock.js';
import type { FilesystemDriver } from './filesystem-driver.js';
import { releaseIfUnused, type KeptVolume } from './release-guard.js';
import type { OwnedVolume, VolumeProvisioner } from './volume-provisioner.js';

/** Options of {@link adoptStrays}. */
export interface AdoptStraysOptions {
  /** `attach`: add each stray to the filesystem; `delete`: release it (only when proven unused). */
  readonly orphans: 'attach' | 'delete';
  /**
   * How long to wait for attachments a killed agent left without a visible device, ms. Default 60 000:
   * EC2 attaches in 1–4 s and a Nitro device shows within seconds (provisioner-ebs's polling
   * schedules); a minute is generous, and a start waits it only after a crash mid-attach or when a
   * device is missing.
   */
  readonly settleMs?: number;
  /** How often to look again while settling, ms. Default 1000. */
  readonly pollMs?: number;
}

/** What {@link adoptStrays} did with each owned, attached volume that is not in the filesystem. */
export interface StrayReport {
  /** Added to the filesystem (`orphans: attach`). */
  readonly adopted: string[];
  /** Proven unused, then detached and deleted. */
  readonly released: string[];
  /** Not proven unused: kept, with why and what to check. */
  readonly kept: KeptVolume[];
}

/** What {@link adoptStrays} works with. */
export interface StrayContext {
  readonly driver: FilesystemDriver;
  readonly provisioner: VolumeProvisioner;
  readonly clock: Clock;
  /** Told about every stray that could not be added. */
  readonly onAddFailed?: (volume: OwnedVolume, error: unknown) => void;
  /** Aborts the settle wait (the autoscaler's `stop({ abandon: true })`). */
  readonly signal?: AbortSignal;
}

/**
 * Owned, attached volumes outside the filesystem: an agent killed between the attach and the device
 * add (SIGKILL, OOM, power) leaves one, and reconciliation, which only sees EC2, attaches an orphan
 * without adding it. Each is added when `orphans` is `attach` and the driver adds devices; otherwise,
 * or when the add fails, it is released only when {@link releaseIfUnused} proves it unused, so no
 * volume that may hold the filesystem is ever released (issue 12, item 1). Run after `prepare()`.
 */
export async function adoptStrays(context: StrayContext, options: AdoptStraysOptions): Promise<StrayReport> {
  const { driver, provisioner, clock } = context;
  const report: StrayReport = { adopted: [], released: [], kept: [] };
  for (const volume of await settledVolumes(provisioner, clock, options.settleMs ?? 60_000, options.pollMs ?? 1000, context.signal)) {
    if (volume.state !== 'in-use') continue;
    // A device the kernel lists as a member is not a stray; one it cannot see falls to the guard below.
    if (volume.device !== undefined && (await driver.holdsDevice(volume.device).catch(() => false))) continue;
    if (options.orphans === 'attach' && volume.device !== undefined && driver.extend) {
      try {
        await driver.extend(volume.device);
        report.adopted.push(volume.volumeId);
        continue;
      } catch (error) {
        context.onAddFailed?.(volume, error);
      }
    }
    const kept = await releaseIfUnused(driver, provisioner, volume);
    if (kept) report.kept.push(kept);
    else report.released.push(volume.volumeId);
  }
  return report;
}

/**
 * The owned volumes once none is attached without a visible device, or as they are after `settleMs`.
 * An attachment in flight (attaching after a crash, detaching after a killed release) shows as an
 * in-use volume with no device; waiting for it to finish turns it into one the release guard can
 * prove either way, instead of one it must keep.
 */
export async function settledVolumes(
  provisioner: VolumeProvisioner,
  clock: Clock,
  settleMs: number,
  pollMs: number,
  signal?: AbortSignal,
): Promise<OwnedVolume[]> {
  const deadline = clock.now() + settleMs;
  for (;;) {
    const volumes = await provisioner.list();
    if (!volumes.some((volume) => volume.state === 'in-use' && volume.device === undefined) || clock.now() >= deadline) return volumes;
    await sleep(clock, Math.min(pollMs, Math.max(0, deadline - clock.now())), signal);
  }
}
