import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { escapeSystemdPath } from '../src/systemd/systemd-escape.js';
import { capture } from './helpers/sim-host.js';

let work: string;
let dir: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ebs-autoscale-mount-commands-'));
  dir = join(work, 'ebs-autoscale.d');
  await mkdir(dir);
  for (const name of ['a', 'b'])
    await writeFile(join(dir, `${escapeSystemdPath(join(work, name))}.json`), JSON.stringify({ version: 1, mountPoint: join(work, name) }));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const run = async (args: string[]) => {
  const out = capture();
  return { code: await main(args, out.io), text: out.text() };
};

describe('commands find a mount point’s configuration by --mountpoint (or the instance)', () => {
  it('`config -m` prints that mount point’s file, of several', async () => {
    const { code, text } = await run(['config', '-m', join(work, 'b'), '--config-dir', dir]);
    expect(code, text).toBe(0);
    expect(JSON.parse(text)).toMatchObject({ mountPoint: join(work, 'b') });
  });

  it('`run --instance` refuses a name systemd-escape would not write, before touching anything', async () => {
    const { code, text } = await run(['run', '--instance', 'tmp--x', '--config-dir', dir, '--run-dir', join(work, 'run')]);
    expect(code).toBe(1);
    expect(text).toContain('"tmp--x" is not a mount point escaped as `systemd-escape --path` writes it');
  });

  it('`run` refuses an --instance and a --mountpoint that disagree, and a --config of another mount point', async () => {
    const instance = escapeSystemdPath(join(work, 'a'));
    const disagree = await run(['run', '--instance', instance, '--mountpoint', join(work, 'b'), '--run-dir', join(work, 'run')]);
    expect(disagree.code).toBe(2);
    expect(disagree.text).toContain(`is ${join(work, 'a')}, not --mountpoint ${join(work, 'b')}`);
    const other = await run([
      'run',
      '--instance',
      instance,
      '--config',
      join(dir, `${escapeSystemdPath(join(work, 'b'))}.json`),
      '--run-dir',
      join(work, 'run'),
    ]);
    expect(other.code).toBe(2);
    expect(other.text).toContain(`is ${join(work, 'b')}, but this is for ${join(work, 'a')}`);
  });
});
