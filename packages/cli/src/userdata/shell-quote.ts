/**
 * One word for a POSIX shell: single-quoted, with each `'` closed, escaped and reopened. Nothing is
 * special inside single quotes, so any value without a NUL reads back as itself, in sh, dash and bash.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell word cannot hold a NUL');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
