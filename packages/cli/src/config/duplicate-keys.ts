/**
 * The paths of keys that occur twice in one object of a JSON text (`volume.iops`, `tags[2].key`),
 * each once, in the order found. JSON.parse keeps the last of them silently, so a file whose first
 * `"mountPoint"` an operator reads is not the one the agent would use. Expects text that JSON.parse
 * has already accepted: this only walks its tokens, decoding each key with JSON.parse so `"a"` and
 * `"\u0061"` are the same key, as they are to JSON.parse.
 */
export function duplicateKeys(text: string): string[] {
  const found = new Set<string>();
  // One frame per open object or array: its path, and its keys so far or its next index.
  const stack: { path: string; keys?: Set<string>; index: number }[] = [];
  let pendingKey: string | undefined;
  let position = 0;
  const childPath = (): string => {
    const top = stack.at(-1);
    if (!top) return '';
    if (top.keys) return top.path ? `${top.path}.${pendingKey}` : (pendingKey ?? '');
    return `${top.path}[${top.index}]`;
  };
  while (position < text.length) {
    const char = text[position]!;
    if (char === '"') {
      const end = stringEnd(text, position);
      const value = JSON.parse(text.slice(position, end)) as string;
      position = end;
      const top = stack.at(-1);
      // A string in an object is a key when a colon follows it.
      COLON.lastIndex = position;
      if (top?.keys && COLON.test(text)) {
        pendingKey = value;
        const path = childPath();
        if (top.keys.has(value)) found.add(path);
        top.keys.add(value);
      }
      continue;
    }
    if (char === '{' || char === '[') {
      const path = childPath();
      stack.push(char === '{' ? { path, keys: new Set(), index: 0 } : { path, index: 0 });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      const top = stack.at(-1);
      if (top && !top.keys) top.index += 1;
    }
    position += 1;
  }
  return [...found];
}

const COLON = /\s*:/y;

/** The index just past the closing quote of the string that starts at `start`. */
function stringEnd(text: string, start: number): number {
  let position = start + 1;
  while (position < text.length && text[position] !== '"') position += text[position] === '\\' ? 2 : 1;
  return position + 1;
}
