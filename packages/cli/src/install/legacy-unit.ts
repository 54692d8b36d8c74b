import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandRunner } from '@ebs-autoscale/core';
import { UNIT_HEADER, UNIT_NAME } from '../systemd/systemd-unit.js';

/**
 * Retires the one-per-host unit (`ebs-autoscale.service`) that installs wrote before units were named
 * per mount point, when it runs the agent for this mount point: left in place, it would start a second
 * agent beside the new unit's (the lock would refuse one of them, which then restart-loops). A unit of
 * that name that someone else wrote, or ours for another mount point, is left alone. Returns what it did.
 */
export async function retireLegacyUnit(unitDir: string, mountPoint: string, runner: CommandRunner): Promise<string | undefined> {
  const path = join(unitDir, UNIT_NAME);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined || !text.startsWith(UNIT_HEADER)) return undefined;
  const line = /^RequiresMountsFor=(.*)$/m.exec(text)?.[1];
  if (line === undefined || unquote(line) !== mountPoint) return undefined;
  await runner.run('systemctl', ['disable', '--now', UNIT_NAME], { allowFailure: true });
  await rm(path, { force: true });
  return `stopped and removed ${path}, the unit of earlier versions`;
}

/** One word as systemd reads a path list: quotes and `\` escapes undone, `%%` a `%`. */
function unquote(word: string): string {
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(word);
  return (quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : word).replaceAll('%%', '%');
}
