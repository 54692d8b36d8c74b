/**
 * A response body as plain data: objects become elements in key order, arrays become `<item>`
 * lists (EC2's list encoding), `undefined` members are left out. Hand-written because EC2 needs
 * only this much, and an XML library would not earn its place.
 */
export type XmlValue = string | number | boolean | Date | undefined | null | XmlObject | readonly XmlValue[];
export interface XmlObject {
  readonly [element: string]: XmlValue;
}

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function renderValue(value: XmlValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item: XmlValue) => `<item>${renderValue(item)}</item>`).join('');
  if (typeof value === 'object') return renderMembers(value as XmlObject);
  return escapeXml(String(value));
}

function renderMembers(object: XmlObject): string {
  let out = '';
  for (const [name, value] of Object.entries(object)) {
    if (value === undefined) continue;
    out += `<${name}>${renderValue(value)}</${name}>`;
  }
  return out;
}

/** `<{Action}Response xmlns="…"><requestId>…</requestId>…</{Action}Response>`, as EC2 answers. */
export function renderResponse(action: string, requestId: string, body: XmlObject): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>${renderMembers(body)}</${action}Response>`;
}

/** EC2's error document. Note the capitalised `RequestID`, unlike success responses. */
export function renderError(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}
