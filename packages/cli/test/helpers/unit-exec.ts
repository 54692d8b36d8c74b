import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropInPathFor, instanceNameFor, TEMPLATE_NAME } from '../../src/systemd/unit-names.js';

/** The words of a unit's last `ExecStart=` line, unquoted as systemd reads them (the inverse of systemdQuote). */
export function execStartWords(unit: string): string[] {
  const line = [...unit.matchAll(/^ExecStart=(.*)$/gm)].at(-1)?.[1];
  if (!line) throw new Error(`no ExecStart in:\n${unit}`);
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((match) => (match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!));
}

/**
 * What systemd would start for a mount point's instance, word for word: the drop-in's ExecStart when
 * install wrote one, else the template's, with the `%i` word the instance and `%%`/`$$` undone.
 */
export function instanceArgv(unitDir: string, mountPoint: string): string[] {
  const dropIn = (() => {
    try {
      return readFileSync(dropInPathFor(unitDir, mountPoint), 'utf8');
    } catch {
      return undefined;
    }
  })();
  const words = execStartWords(dropIn ?? readFileSync(join(unitDir, TEMPLATE_NAME), 'utf8'));
  return words.map((word) => (word === '%i' ? instanceNameFor(mountPoint) : word.replaceAll('%%', '%').replaceAll('$$', '$')));
}
