import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeSystemdPath, unescapeSystemdPath } from '../src/systemd/systemd-escape.js';
import { systemdQuote } from '../src/systemd/systemd-quote.js';
import { buildInstanceDropIn, buildUnitTemplate } from '../src/systemd/systemd-unit.js';
import { DROP_IN_NAME, instanceNameFor, mountPointOfInstance, perMountUnitNameFor, TEMPLATE_NAME, unitNameFor } from '../src/systemd/unit-names.js';
import { AGENT_BIN } from './helpers/agent-process.js';

const has = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const hasEscape = has('systemd-escape');
const hasAnalyze = has('systemd-analyze');
if (!hasEscape)
  console.warn(
    '[ebs-autoscale/cli] SKIPPING the comparison with systemd-escape --path: systemd-escape is not installed (apt-get install systemd; scripts/bootstrap.sh does)',
  );
if (!hasAnalyze)
  console.warn(
    '[ebs-autoscale/cli] SKIPPING the systemd-analyze verify of hostile units: systemd-analyze is not installed (apt-get install systemd; scripts/bootstrap.sh does)',
  );

/** The keys of the template and of a drop-in, by section: anything else was injected. */
const TEMPLATE_KEYS = {
  Unit: ['Description', 'Wants', 'After', 'RequiresMountsFor'],
  Service: ['Type', 'ExecStart', 'Restart', 'RestartSec', 'TimeoutStopSec', 'KillSignal'],
  Install: ['WantedBy'],
};
const DROP_IN_KEYS = { Service: ['ExecStart', 'ExecStart'] };

/** Canonical absolute paths of arbitrary graphemes: what canonicalMountPoint() hands on (no `.`, `..`, `//`, NUL). */
const segment = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((text) => text !== '.' && text !== '..' && !text.includes('/') && !text.includes('\0') && Buffer.byteLength(text) <= 255);
const canonicalPath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`);

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

  it('names one instance of the template per mount point, and refuses one too long for a unit name', () => {
    expect(unitNameFor('/scratch')).toBe('ebs-autoscale@scratch.service');
    expect(unitNameFor('/var/lib/docker')).toBe('ebs-autoscale@var-lib-docker.service');
    expect(unitNameFor('/scratch/a-b')).toBe('ebs-autoscale@scratch-a\\x2db.service');
    expect(unitNameFor('/')).toBe('ebs-autoscale@-.service');
    expect(perMountUnitNameFor('/scratch/a-b')).toBe('ebs-autoscale-scratch-a\\x2db.service');
    // 233 characters is the longest instance: 255 less `ebs-autoscale@` and `.service`.
    expect(instanceNameFor(`/${'x'.repeat(233)}`)).toHaveLength(233);
    expect(() => instanceNameFor(`/${'x'.repeat(234)}`)).toThrow(/escapes to 234 characters, more than the 233/);
    // A message may still name one: cut and hashed, within 255, never splitting a \xNN.
    expect(unitNameFor(`/${'x'.repeat(300)}`).length).toBeLessThanOrEqual(255);
    expect(unitNameFor(`/${'x'.repeat(300)}`)).not.toBe(unitNameFor(`/${'x'.repeat(301)}`));
  });

  it('unescapes what it escaped, and refuses names systemd-escape would not write', () => {
    expect(unescapeSystemdPath('scratch-a\\x2db')).toBe('/scratch/a-b');
    expect(unescapeSystemdPath('\\x2ex-\\xc3\\xa9')).toBe('/.x/é');
    expect(unescapeSystemdPath('-')).toBe('/');
    for (const bad of ['a--b', '-a', 'a-', 'a\\x2fb', 'a\\x2', 'a\\', '.x', 'a b', 'é', 'a\\x41', ''])
      expect(() => mountPointOfInstance(bad), bad).toThrow(/is not a mount point escaped as/);
  });

  it('round-trips every canonical path, and never gives two mount points one instance (fast-check)', () => {
    fc.assert(
      fc.property(canonicalPath, (path) => {
        expect(mountPointOfInstance(escapeSystemdPath(path))).toBe(path);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(canonicalPath, canonicalPath, (a, b) => {
        fc.pre(a !== b);
        expect(unitNameFor(a)).not.toBe(unitNameFor(b));
      }),
      { numRuns: 500 },
    );
    // Near misses a random walk rarely hits: a dash against a slash, a dot, case.
    const near = ['/a-b', '/a/b', '/a\\x2db', '/a.b', '/A/b', '/a/b/', '/ab'].map((path) => path.replace(/\/$/, '') || '/');
    expect(new Set(near.map(unitNameFor)).size).toBe(new Set(near).size);
  });

  it.skipIf(!hasEscape)('agrees with `systemd-escape --path` on arbitrary paths', () => {
    fc.assert(
      fc.property(fc.array(canonicalPath, { minLength: 1, maxLength: 40 }), (paths) => {
        // One process for the whole batch: systemd-escape prints the escaped arguments space-separated.
        const real = execFileSync('systemd-escape', ['--path', '--', ...paths], { encoding: 'utf8' })
          .replace(/\n$/, '')
          .split(' ');
        expect(paths.map(escapeSystemdPath)).toEqual(real);
      }),
      { numRuns: 25 },
    );
  });
});

describe('the template and the drop-in', () => {
  const command = { nodePath: '/usr/bin/node', binPath: '/opt/ebs-autoscale/lib/ebs-autoscale.js' };

  it('the template runs `run --instance %i`, restarts on failure, waits for the network and the mount (%f)', () => {
    const unit = buildUnitTemplate(command);
    expect(unit).toContain('\nExecStart=/usr/bin/node /opt/ebs-autoscale/lib/ebs-autoscale.js run --instance %i\n');
    expect(unit).toMatch(/\nRestart=on-failure\n[\s\S]*\nTimeoutStopSec=600\n/);
    expect(unit).toContain('\nRequiresMountsFor=%f\n');
    expect(unit).toContain('\nDescription=ebs-autoscale: grows %f with EBS volumes\n');
    expect(unitKeys(unit)).toEqual(TEMPLATE_KEYS);
  });

  it('the drop-in resets ExecStart and gives the whole line, the config and run arguments quoted', () => {
    const dropIn = buildInstanceDropIn({ ...command, configPath: '/srv/my conf/100%.json', runArgs: ['--simulator', 'http://127.0.0.1:1/'] });
    expect(dropIn).toContain(
      '\nExecStart=\nExecStart=/usr/bin/node /opt/ebs-autoscale/lib/ebs-autoscale.js run --instance %i --config "/srv/my conf/100%%.json" --simulator http://127.0.0.1:1/\n',
    );
    expect(unitKeys(dropIn)).toEqual(DROP_IN_KEYS);
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
    expect(() => buildUnitTemplate({ ...command, binPath: `/opt/${control}.js` })).toThrow(/control character/);
    expect(() => buildInstanceDropIn({ ...command, configPath: `/etc/${control}.json` })).toThrow(/control character/);
    expect(() => buildInstanceDropIn({ ...command, runArgs: ['--run-dir', `/run/${control}`] })).toThrow(/control character/);
  });

  it('refuses a relative node path', () => {
    expect(() => buildUnitTemplate({ ...command, nodePath: 'node' })).toThrow(/is not absolute/);
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

  /** Verifies one instance as systemd loads it (template + drop-ins in `dir`) and returns its parsed dump. */
  const verify = (instance: string) => {
    const name = `ebs-autoscale@${instance}.service`;
    const path = join(dir, name);
    const quiet = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stderr.split('\n').filter((line) => line.includes(name) || line.includes(dir))).toEqual([]);
    // At debug level verify dumps the unit as it parsed it (on stdout): the values must come back unchanged.
    const debug = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'debug' } });
    const block = debug.stdout.slice(debug.stdout.indexOf(`-> Unit ${name}:`));
    expect(block, debug.stdout.slice(0, 2000)).toContain(`-> Unit ${name}:`);
    return {
      description: /^\s*Description: (.*)$/m.exec(block)?.[1],
      requiresMountsFor: /^\s*RequiresMountsFor: (.*) \(origin-file\)$/m.exec(block)?.[1],
      // systemd keeps `$$` until it starts the process, then makes it `$`.
      argv: dumpedArgv(/^\s*Command Line: (.*)$/m.exec(block)![1]!).map((word) => word.replaceAll('$$', '$')),
    };
  };

  it.each(HOSTILE.filter((path) => path.length < 200))('%s', async (mountPoint) => {
    const configPath = `${mountPoint}/conf ig%$.json`;
    const runArgs = ['--run-dir', `${mountPoint}/run`, '--tag', ''];
    const template = buildUnitTemplate({ nodePath: process.execPath, binPath: AGENT_BIN });
    await writeFile(join(dir, TEMPLATE_NAME), template);
    const instance = instanceNameFor(mountPoint);

    // The template alone: systemd's %f is the mount point, and the agent gets the instance it unescapes to it.
    const bare = verify(instance);
    expect(bare.description).toBe(`ebs-autoscale: grows ${mountPoint} with EBS volumes`);
    expect(bare.requiresMountsFor).toBe(mountPoint);
    expect(bare.argv).toEqual([process.execPath, AGENT_BIN, 'run', '--instance', instance]);
    expect(mountPointOfInstance(bare.argv[4]!)).toBe(mountPoint);

    // With install's drop-in: the hostile config path and run arguments come back word for word.
    const dropIn = buildInstanceDropIn({ nodePath: process.execPath, binPath: AGENT_BIN, configPath, runArgs });
    expect(unitKeys(dropIn)).toEqual(DROP_IN_KEYS);
    await mkdir(join(dir, `ebs-autoscale@${instance}.service.d`), { recursive: true });
    await writeFile(join(dir, `ebs-autoscale@${instance}.service.d`, DROP_IN_NAME), dropIn);
    const dropped = verify(instance);
    expect(dropped.argv).toEqual([process.execPath, AGENT_BIN, 'run', '--instance', instance, '--config', configPath, ...runArgs]);
    expect(dropped.requiresMountsFor).toBe(mountPoint);
  });
});
