// Issue 13, item 3: each command loads only what it needs. `--help` loaded the whole AWS SDK, pino,
// prom-client and the simulator (0.9–1.3 s, 150 MB), because main.ts imported every command up front.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SOURCE_BIN, SOURCE_NODE_OPTIONS } from './helpers/agent-process.js';

/** Reports every module URL the child resolves, on stderr, through Node's synchronous module hooks. */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(
  "import { registerHooks } from 'node:module'; registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); process.stderr.write('loaded ' + result.url + '\\n'); return result; } });",
)}`;

/** The module URLs that `ebs-autoscale <args>` on the sources loads. */
function loadedBy(args: readonly string[]): string[] {
  const { NODE_OPTIONS: _inherited, ...env } = process.env;
  const child = spawnSync(process.execPath, [`--import=${RECORD_LOADS}`, SOURCE_BIN, ...args], {
    env: { ...env, NODE_OPTIONS: SOURCE_NODE_OPTIONS },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`ebs-autoscale ${args.join(' ')} exited ${child.status}:\n${child.stderr}`);
  return [...child.stderr.matchAll(/^loaded (\S+)$/gm)].map((match) => match[1]!);
}

const HEAVY = /@aws-sdk|@smithy|\/pino\/|prom-client|ec2-sim|execa/;

describe('lazy command loading (child processes on the sources)', () => {
  it.each([[['--help']], [['run', '--help']], [['help', 'demo']]])('`%s` loads no SDK, logger, metrics, simulator or execa', (args) => {
    const loaded = loadedBy(args);
    expect(loaded.some((url) => url.endsWith('/cli/usage.ts'))).toBe(true);
    expect(loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('`userdata` loads no SDK, logger, metrics, simulator or execa: it only writes text', () => {
    const loaded = loadedBy(['userdata', '--artifact', 's3://bucket/ebs-autoscale-0.1.0-linux-x64.tar.gz']);
    expect(loaded.some((url) => url.endsWith('/userdata/userdata.ts'))).toBe(true);
    expect(loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });
});
