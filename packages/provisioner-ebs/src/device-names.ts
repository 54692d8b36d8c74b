import { readdir } from 'node:fs/promises';

/**
 * The names we attach at: `/dev/xvdba` … `/dev/xvdbz`, `/dev/xvdca` … `/dev/xvdcz` (the two-letter range
 * aws-ebs-csi-driver and amazon-ebs-autoscale use, clear of the root disk, instance store and the
 * single-letter names AMIs map). 52 names: more than any instance can attach.
 */
export function candidateDeviceNames(): string[] {
  const names: string[] = [];
  for (const first of 'bc') for (const second of 'abcdefghijklmnopqrstuvwxyz') names.push(`/dev/xvd${first}${second}`);
  return names;
}

/**
 * The part of a device name that identifies the slot, so `/dev/sdf`, `sdf`, `/dev/xvdf` and `xvdf1`
 * all collide: EC2 treats `sd*` and `xvd*` as aliases of one slot, and a partition belongs to its disk.
 */
export function deviceSlot(name: string): string {
  const base = name.replace(/^\/dev\//, '');
  const match = /^(?:xvd|sd|hd)([a-z]+)\d*$/.exec(base);
  return match?.[1] ?? base;
}

/** What rules a device name out. */
export interface DeviceNameConstraints {
  /** Names EC2 has attached or mapped on the instance (block-device mappings, attachments). */
  readonly taken: Iterable<string>;
  /** Names of the nodes under the dev root (`xvdba`, `sdf`, `nvme1n1`, …). */
  readonly existingNodes: Iterable<string>;
  /** Names that failed as "in use" recently, oldest first: tried last, in that order. */
  readonly recentlyFailed: readonly string[];
}

/**
 * Picks the device name for the next AttachVolume: the first candidate whose slot is neither taken
 * nor present under the dev root, trying recently failed names only after every other one.
 * Returns undefined when every name is ruled out.
 */
export function pickDeviceName(constraints: DeviceNameConstraints): string | undefined {
  const blocked = new Set<string>();
  for (const name of constraints.taken) blocked.add(deviceSlot(name));
  for (const node of constraints.existingNodes) if (/^(?:xvd|sd|hd)[a-z]+\d*$/.test(node)) blocked.add(deviceSlot(node));
  const failed = new Set(constraints.recentlyFailed.map(deviceSlot));
  const fresh = candidateDeviceNames().filter((name) => !failed.has(deviceSlot(name)));
  const retried = constraints.recentlyFailed.filter((name) => candidateDeviceNames().includes(name));
  return [...fresh, ...retried].find((name) => !blocked.has(deviceSlot(name)));
}

/** The names of the entries directly under the dev root; an absent root has none. */
export async function listDeviceNodes(devRoot: string): Promise<string[]> {
  try {
    return await readdir(devRoot);
  } catch {
    return [];
  }
}
