import { DriverError, type CommandRunner } from '@ebs-autoscale/core';

/** What `blkid -p` found on a device: nothing, or its signature type (`btrfs`, `ext4`, `swap`, a partition table…). */
export interface DeviceSignature {
  /** The signature type; `undefined` only for a blank device. */
  readonly type: string | undefined;
  /** The filesystem or set UUID, when the signature has one. */
  readonly uuid: string | undefined;
  /** The filesystem label, when it has one. */
  readonly label: string | undefined;
}

/**
 * Reads the `KEY=value` lines of `blkid -o export` for one device. A device with only a partition
 * table reports `PTTYPE` and no `TYPE`; that counts as a signature too (`partition table (gpt)`),
 * because its partitions may hold data `blkid -p` does not look into. Output with neither is `unknown`.
 */
export function parseBlkidExport(stdout: string): DeviceSignature {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const type = fields.get('TYPE') ?? (fields.has('PTTYPE') ? `partition table (${fields.get('PTTYPE')})` : 'unknown');
  return { type, uuid: fields.get('UUID'), label: fields.get('LABEL') };
}

/**
 * Probes the device itself (`blkid -p`: low-level superblock probing, no cache) for any filesystem,
 * RAID, LVM or partition-table signature. `blkid` exits 2 when it finds nothing: that is a blank
 * device (every field `undefined`). Any other failure throws a {@link DriverError} `COMMAND_FAILED`.
 *
 * @example
 * ```ts
 * const signature = await probeSignature(createExecaRunner(), '/dev/nvme1n1');
 * if (signature.type !== undefined) console.log(`not blank: ${signature.type}`);
 * ```
 */
export async function probeSignature(runner: CommandRunner, device: string): Promise<DeviceSignature> {
  const result = await runner.run('blkid', ['-p', '-o', 'export', device], { allowFailure: true });
  if (result.exitCode === 2) return { type: undefined, uuid: undefined, label: undefined };
  if (result.exitCode !== 0) {
    throw new DriverError('blkid', 'COMMAND_FAILED', `blkid -p ${device} failed: ${result.stderr.trim()}`, { device });
  }
  return parseBlkidExport(result.stdout);
}
