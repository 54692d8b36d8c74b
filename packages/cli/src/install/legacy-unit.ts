import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UNIT_HEADER } from '../systemd/systemd-unit.js';
import { HOST_UNIT_NAME, perMountUnitNameFor } from '../systemd/unit-names.js';

/**
 * The units earlier versions wrote for this mount point: `ebs-autoscale-<escaped>.service` (one per
 * mount point, before the template) and `ebs-autoscale.service` (one per host, before that). Left in
 * place, one would start a second agent beside the instance (the lock refuses one of them, which then
 * restart-loops), so install retires them and uninstall removes them. Only ours (our header) and only
 * for this mount point (their `RequiresMountsFor=`): a unit of that name that someone else wrote, or
 * ours for another mount point, is left alone.
 */
export async function legacyUnitsFor(unitDir: string, mountPoint: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of new Set([perMountUnitNameFor(mountPoint), HOST_UNIT_NAME])) {
    const text = await readFile(join(unitDir, name), 'utf8').catch(() => undefined);
    if (text === undefined || !text.startsWith(UNIT_HEADER)) continue;
    const line = /^RequiresMountsFor=(.*)$/m.exec(text)?.[1];
    if (line !== undefined && unquote(line) === mountPoint) found.push(name);
  }
  return found;
}

/** One word as systemd reads a path list: quotes and `\` escapes undone, `%%` a `%`. */
function unquote(word: string): string {
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(word);
  return (quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : word).replaceAll('%%', '%');
}
