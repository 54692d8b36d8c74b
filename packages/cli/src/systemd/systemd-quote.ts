import { EbsAutoscaleError } from '@ebs-autoscale/core';
import { controlCharacterIn } from '../config/mount-point.js';

/**
 * One word of `ExecStart=`. systemd splits the line on whitespace, honours quotes and C escapes,
 * expands `%` specifiers and `$VAR`, and takes a bare `;` as a command separator; so `%` becomes `%%`,
 * `$` becomes `$$`, and any word with more than plain path characters is double-quoted with `\` and `"`
 * escaped. The empty word is `""`, which systemd keeps as an argument. The mount point itself is never
 * written into a unit: the template takes it from the instance name (`systemd-unit.ts`).
 */
export function systemdQuote(word: string): string {
  refuseControl(word);
  const escaped = word.replaceAll('%', '%%').replaceAll('$', '$$$$');
  return /^[A-Za-z0-9_./:=,+@%$-]+$/.test(escaped) && escaped !== ';' ? escaped : `"${escaped.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

/** A newline would start a directive of its own (issue 12, item 6); no control character is safe in a unit. */
function refuseControl(value: string): void {
  const control = controlCharacterIn(value);
  if (control !== undefined) throw unitError(`${JSON.stringify(value)} contains the control character ${control}, which a unit file cannot carry safely`);
}

/** The error of a unit that could not be written safely, before anything was changed. */
export function unitError(what: string): EbsAutoscaleError {
  return new EbsAutoscaleError('install', 'INVALID_ARGUMENT', `No systemd unit was written: ${what}.`, {
    hint: 'Use paths without control characters; nothing was changed.',
  });
}
