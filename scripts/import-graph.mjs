#!/usr/bin/env node
// Folder-level import graph of one package's src (default packages/cli/src): every `folder → folder`
// edge a relative import makes, and the pairs that point both ways, which is an arrow running back up.
// Usage: node scripts/import-graph.mjs [srcDir]. Exits 1 when a pair points both ways.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(process.argv[2] ?? 'packages/cli/src');
const files = (function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
})(root);
const folderOf = (path) => {
  const rel = relative(root, path);
  return rel.includes(sep) ? rel.split(sep)[0] : '.';
};
const edges = new Map();
for (const file of files) {
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const from = folderOf(file);
    const to = folderOf(resolve(dirname(file), spec));
    if (from === to) continue;
    const key = `${from} → ${to}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
  }
}
const sorted = [...edges.keys()].sort();
for (const key of sorted) console.log(`${key} (${edges.get(key)})`);
const both = sorted.filter((key) => {
  const [from, to] = key.split(' → ');
  return from < to && edges.has(`${to} → ${from}`);
});
for (const key of both) console.log(`both ways: ${key.replace(' → ', ' ↔ ')}`);
console.log(both.length ? `${both.length} pair(s) point both ways` : 'no pair points both ways');
process.exitCode = both.length ? 1 : 0;
