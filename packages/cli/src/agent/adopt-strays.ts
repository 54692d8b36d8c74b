import { stat } from 'node:fs/promises';
import type { FilesystemDriver, OwnedVolume, VolumeProvisioner } from '@ebs-autoscale/core';
import type { Logger } from 'pino';

/** What {@link adoptStrays} did with each owned volume outside the filesystem. */
export interface StrayReport {
  /** Added to the filesystem (`reconcile.orphans: attach`). */
  readonly adopted: string[];
  /** Detached and deleted. */
  readonly released: string[];
}

/**
 * Owned, attached volumes that are not devices of the filesystem: an agent killed between the attach
 * and the device add (SIGKILL, OOM, power) leaves one, and reconciliation, which only sees EC2, attaches
 * an orphan without adding it. Each one is added to the filesystem when `orphans` is `attach`, and
 * released otherwise or when the add fails, so no owned volume stays attached but unused (it would
 * count against the limits and cost money for nothing). Runs after `prepare()`, once the filesystem's
 * own devices are known.
 */
export async function adoptStrays(
  driver: FilesystemDriver,
  provisioner: VolumeProvisioner,
  orphans: 'attach' | 'delete',
  logger: Logger,
  options: { settleMs?: number; pollMs?: number } = {},
): Promise<StrayReport> {
  const report: StrayReport = { adopted: [], released: [] };
  const inFilesystem = new Set(await Promise.all((await driver.devices()).map(deviceKey)));
  for (const volume of await settledVolumes(provisioner, options.settleMs ?? SETTLE_MS, options.pollMs ?? 1000)) {
    if (volume.state !== 'in-use') continue;
    if (volume.device && inFilesystem.has(await deviceKey(volume.device))) continue;
    if (orphans === 'attach' && volume.device && driver.capabilities.addDevice) {
      const added = await driver.extend(volume.device).then(
        () => true,
        (error: unknown) => (logger.warn({ event: 'stray:add-failed', volumeId: volume.volumeId, device: volume.device, err: error }, 'could not add a stray volume; releasing it'), false),
      );
      if (added) {
        report.adopted.push(volume.volumeId);
        logger.info({ event: 'stray:adopted', volumeId: volume.volumeId, device: volume.device }, 'added a volume a crash left outside the filesystem');
        continue;
      }
    }
    await provisioner.release(volume.volumeId);
    report.released.push(volume.volumeId);
    logger.info({ event: 'stray:released', volumeId: volume.volumeId, device: volume.device ?? null }, 'released a volume a crash left outside the filesystem');
  }
  return report;
}

/**
 * How long to wait for attachments a killed agent left `attaching` to finish and their devices to
 * appear: EC2 attaches in 1–4 s and a Nitro device shows within seconds (provisioner-ebs's polling
 * schedules); a minute is generous, and a start that waits it is rare (only after a crash mid-attach).
 */
const SETTLE_MS = 60_000;

/** The owned volumes once none is attached without a visible device, or as they are after `settleMs`. */
async function settledVolumes(provisioner: VolumeProvisioner, settleMs: number, pollMs: number): Promise<OwnedVolume[]> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const volumes = await provisioner.list();
    if (!volumes.some((volume) => volume.state === 'in-use' && !volume.device) || Date.now() >= deadline) return volumes;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * The block device's number (`rdev`), so a sandbox link (`/dev/nvme2n1` → `/dev/loop7`) and the name
 * the filesystem reports (`/dev/loop7`, `/dev/mapper/…`) compare equal; the path itself when it cannot be read.
 */
async function deviceKey(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  return info?.isBlockDevice() ? `rdev:${info.rdev}` : `path:${path}`;
}
