import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** What a device given to `install --device` is, by the model string its NVMe controller reports. */
export type DeviceKind = 'ebs' | 'instance-store' | 'unknown';

const MODELS: Readonly<Record<string, DeviceKind>> = {
  'Amazon Elastic Block Store': 'ebs',
  'Amazon EC2 NVMe Instance Storage': 'instance-store',
};

/**
 * Reads `<sysRoot>/class/block/<name>/device/model` (the real sysfs path of an NVMe namespace's
 * controller), or `<sysRoot>/class/nvme/<controller>/model` (the simulator's sandbox has only that),
 * and maps Nitro's two model strings. Trailing spaces are sysfs padding.
 */
export async function deviceKind(device: string, sysRoot = '/sys'): Promise<{ kind: DeviceKind; model?: string }> {
  const name = basename(device);
  const controller = name.replace(/n\d+$/, '');
  for (const path of [join(sysRoot, 'class', 'block', name, 'device', 'model'), join(sysRoot, 'class', 'nvme', controller, 'model')]) {
    const model = (await readFile(path, 'utf8').catch(() => undefined))?.trim();
    if (model !== undefined) return { kind: MODELS[model] ?? 'unknown', model };
  }
  return { kind: 'unknown' };
}
