/**
 * The boundary of the multi-part user data. AWS Batch merges its own part into a launch template's
 * user data and uses `==BOUNDARY==` for it, so ours is another one (its documentation's examples use
 * this one).
 */
export const MIME_BOUNDARY = '==MYBOUNDARY==';

/** One part of a multi-part user data. */
export interface MimePart {
  /** `text/cloud-config`, `text/x-shellscript`, … */
  readonly contentType: string;
  readonly body: string;
}

/**
 * MIME multi-part as AWS Batch and cloud-init read it: `MIME-Version`, a `multipart/mixed` boundary,
 * each part with its `Content-Type` and a blank line before every boundary line, closed by
 * `--boundary--`. The parts are us-ascii (cloud-init decodes them so); a part that holds the boundary or
 * another character is refused, as it would end the part early or be misread.
 */
export function multipart(parts: readonly MimePart[]): string {
  const lines = ['MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`, ''];
  for (const part of parts) {
    if (part.body.includes(`--${MIME_BOUNDARY}`)) throw new Error(`a ${part.contentType} part contains the MIME boundary`);
    const nonAscii = /[^\n\t\x20-\x7e]/.exec(part.body);
    if (nonAscii) throw new Error(`a ${part.contentType} part contains ${JSON.stringify(nonAscii[0])}, which is not printable us-ascii`);
    lines.push(
      `--${MIME_BOUNDARY}`,
      `Content-Type: ${part.contentType}; charset="us-ascii"`,
      'MIME-Version: 1.0',
      'Content-Transfer-Encoding: 7bit',
      '',
      part.body.endsWith('\n') ? part.body : `${part.body}\n`,
    );
  }
  lines.push(`--${MIME_BOUNDARY}--`, '');
  return lines.join('\n');
}
