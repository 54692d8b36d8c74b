// The README's reservation and reclaimer examples, run as written (imports pointed at the sources),
// so an edit of either block that no longer runs, or no longer prints what the README says, fails here.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const SOURCES = {
  '@ebs-autoscale/core/testing': new URL('../src/testing.ts', import.meta.url).href,
  '@ebs-autoscale/core': new URL('../src/index.ts', import.meta.url).href,
};

/** The first ```ts block under the heading that starts with `heading`, and the README's "It printed" line after it. */
function example(readme: string, heading: string): { code: string; printed: string[] } {
  const section = readme.split(/^### /m).find((part) => part.startsWith(heading));
  const code = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  const printed = section?.match(/It printed ([\s\S]*?)\n\n/)?.[1];
  if (!code || !printed) throw new Error(`README.md has no \`\`\`ts block and "It printed" line under "### ${heading}"`);
  return { code, printed: [...printed.matchAll(/`([^`]+)`/g)].map((match) => match[1]!) };
}

async function run(code: string): Promise<string[]> {
  let source = code;
  for (const [specifier, target] of Object.entries(SOURCES)) source = source.replaceAll(`'${specifier}'`, `'${target}'`);
  const dir = await mkdtemp(join(tmpdir(), 'core-readme-'));
  dirs.push(dir);
  const file = join(dir, 'example.ts');
  await writeFile(file, source);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import(pathToFileURL(file).href);
    return log.mock.calls.map((args) => args.join(' '));
  } finally {
    log.mockRestore();
  }
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('packages/core/README.md', () => {
  it.each(['Reservations', 'Reclaimers'])('the %s example runs and prints what the README says', async (heading) => {
    const { code, printed } = example(await readFile(README, 'utf8'), heading);
    expect(await run(code)).toEqual(printed);
  });
});
