import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeSystemdPath } from '../src/systemd/systemd-escape.js';
import { buildSystemdUnit, systemdQuote, unitNameFor } from '../src/systemd/systemd-unit.js';
import { AGENT_BIN } from './helpers/agent-process.js';

const has = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const hasEscape = has('systemd-escape');
const hasAnalyze = has('systemd-analyze');
if (!hasEscape) console.warn('[ebs-autoscale/cli] SKIPPING the comparison with systemd-escape --path: systemd-escape is not installed (apt-get install systemd; scripts/bootstrap.sh does)');
if (!hasAnalyze) console.warn('[ebs-autoscale/cli] SKIPPING the systemd-analyze verify of hostile units: systemd-analyze is not installed (apt-get install systemd; scripts/bootstrap.sh does)');

/** The keys a unit of ours has, by section: anything else was injected. */
const UNIT_KEYS = {
  Unit: ['Description', 'Wants', 'After', 'RequiresMountsFor'],
  Service: ['Type', 'ExecStart', 'Restart', 'RestartSec', 'TimeoutStopSec', 'KillSignal'],
  Install: ['WantedBy'],
};

/** Sections and their keys as systemd's parser sees lines: `[Section]`, `Key=value`, comments. */
function unitKeys(unit: string): Record<string, string[]> {
  const sections: Record<string, string[]> = {};
  let current = '';
  for (const line of unit.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) sections[(current = section[1]!)] = [];
    else sections[current]!.push(line.slice(0, line.indexOf('=')));
  }
  return sections;
}

/** The words of systemd's dump of a command line (`"…"` with `\` escapes, or bare words). */
function dumpedArgv(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((match) => (match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!));
}

const HOSTILE = [
  '/scr atch',
  '/a%b/%n%%',
  `/q"uote'd`,
  '/back\\slash\\',
  '/$HOME/${USER}',
  '/semi;colon/;',
  '/ünïcødé/日本語/🙂',
  '/-leading/@at/+plus/!bang',
  '/.hidden/a-b',
  // Longer than a unit name may be (its name is cut and hashed); each part within NAME_MAX, as on a real disk.
  `/${Array.from({ length: 8 }, () => 'long-'.repeat(12)).join('/')}`,
  '/a b/%i/$$/"x"/\\y/;/-z',
];

describe('systemd path escaping', () => {
  it('escapes as systemd does: dashes, a leading dot, UTF-8 bytes, the root', () => {
    expect(escapeSystemdPath('/scratch/a-b')).toBe('scratch-a\\x2db');
    expect(escapeSystemdPath('/var/lib/docker/')).toBe('var-lib-docker');
    expect(escapeSystemdPath('/.x/é')).toBe('\\x2ex-\\xc3\\xa9');
    expect(escapeSystemdPath('/')).toBe('-');
    expect(() => escapeSystemdPath('/a/../b')).toThrow(/not a normalised path/);
  });

  it('names one unit per mount point, within systemd’s 255 characters', () => {
    expect(unitNameFor('/scratch')).toBe('ebs-autoscale-scratch.service');
    expect(unitNameFor('/scratch/a-b')).toBe('ebs-autoscale-scratch-a\\x2db.service');
    const long = unitNameFor(`/${'x'.repeat(300)}`);
    expect(long.length).toBeLessThanOrEqual(255);
    expect(long).not.toBe(unitNameFor(`/${'x'.repeat(301)}`));
    // A cut never splits a \xNN escape.
    for (let length = 220; length < 240; length += 1) expect(unitNameFor(`/${'x'.repeat(length)}${'-'.repeat(40)}`)).toMatch(/^[A-Za-z0-9:_.-]*(\\x[0-9a-f]{2}[A-Za-z0-9:_.-]*)*\.service$/);
  });

  it.skipIf(!hasEscape)('agrees with `systemd-escape --path` on arbitrary paths', () => {
    const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((text) => text !== '.' && text !== '..' && !text.includes('/') && !text.includes('\0') && Buffer.byteLength(text) <= 255);
    const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`);
    fc.assert(
      fc.property(fc.array(path, { minLength: 1, maxLength: 40 }), (paths) => {
        // One process for the whole batch: systemd-escape prints the escaped arguments space-separated.
        const real = execFileSync('systemd-escape', ['--path', '--', ...paths], { encoding: 'utf8' }).replace(/\n$/, '').split(' ');
        expect(paths.map(escapeSystemdPath)).toEqual(real);
      }),
      { numRuns: 25 },
    );
  });
});

describe('the systemd unit', () => {
  it('runs node on the bin with the config, restarts on failure, waits for the network and the mount', () => {
    const unit = buildSystemdUnit({ mountPoint: '/var/lib/docker', configPath: '/etc/ebs-autoscale.json', nodePath: '/usr/bin/node', binPath: '/usr/lib/node_modules/@ebs-autoscale/cli/bin/ebs-autoscale.js' });
    expect(unit).toContain('\nExecStart=/usr/bin/node /usr/lib/node_modules/@ebs-autoscale/cli/bin/ebs-autoscale.js run --config /etc/ebs-autoscale.json\n');
    expect(unit).toMatch(/\nRestart=on-failure\n[\s\S]*\nTimeoutStopSec=600\n/);
    expect(unit).toContain('\nRequiresMountsFor=/var/lib/docker\n');
  });

  it('quotes ExecStart words: %, $, quotes, backslashes, a lone ; and the empty word', () => {
    expect(systemdQuote('/opt/my dir/x"y')).toBe('"/opt/my dir/x\\"y"');
    expect(systemdQuote('100%')).toBe('100%%');
    expect(systemdQuote('$HOME')).toBe('$$HOME');
    expect(systemdQuote(';')).toBe('";"');
    expect(systemdQuote('')).toBe('""');
    expect(systemdQuote('a\\b')).toBe('"a\\\\b"');
    expect(systemdQuote('/usr/bin/node')).toBe('/usr/bin/node');
  });

  it.each(['\n', '\r', '\0', '\t', '\u007f', '\u0085', '\u001b'])('refuses a control character (%j) in any value', (control) => {
    const base = { mountPoint: '/scratch', configPath: '/etc/ebs-autoscale.json', nodePath: '/usr/bin/node', binPath: '/x.js' };
    expect(() => buildSystemdUnit({ ...base, mountPoint: `/scr${control}atch` })).toThrow(/control character/);
    expect(() => buildSystemdUnit({ ...base, configPath: `/etc/${control}.json` })).toThrow(/control character/);
    expect(() => buildSystemdUnit({ ...base, runArgs: ['--run-dir', `/run/${control}`] })).toThrow(/control character/);
  });
});

describe.skipIf(!hasAnalyze)('hostile values in the unit, read back by systemd-analyze verify', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ebs-autoscale-unit-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(HOSTILE)('%s', async (mountPoint) => {
    const configPath = `${mountPoint}/conf ig%$.json`;
    const runArgs = ['--run-dir', `${mountPoint}/run`, '--tag', ''];
    const unit = buildSystemdUnit({ mountPoint, configPath, nodePath: process.execPath, binPath: AGENT_BIN, runArgs });
    expect(unitKeys(unit)).toEqual(UNIT_KEYS);
    const name = unitNameFor(mountPoint);
    const path = join(dir, name);
    await writeFile(path, unit);

    const quiet = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stderr.split('\n').filter((line) => line.includes(name) || line.includes(dir))).toEqual([]);

    // At debug level verify dumps the unit as it parsed it (on stdout): the values must come back unchanged.
    const debug = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'debug' } });
    const block = debug.stdout.slice(debug.stdout.indexOf(`-> Unit ${name}:`));
    expect(block, debug.stdout.slice(0, 2000)).toContain(`-> Unit ${name}:`);
    expect(/^\s*Description: (.*)$/m.exec(block)?.[1]).toBe(`ebs-autoscale: grows ${mountPoint} with EBS volumes`);
    expect(/^\s*RequiresMountsFor: (.*) \(origin-file\)$/m.exec(block)?.[1]).toBe(mountPoint.replace(/\/+$/, ''));
    // systemd keeps `$$` until it starts the process, then makes it `$`.
    const argv = dumpedArgv(/^\s*Command Line: (.*)$/m.exec(block)![1]!).map((word) => word.replaceAll('$$', '$'));
    expect(argv).toEqual([process.execPath, AGENT_BIN, 'run', '--config', configPath, ...runArgs]);
  });
});
