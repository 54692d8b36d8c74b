import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DEFAULT_LIMITS } from '@ebs-autoscale/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { writeStatusReport, statusFilePath } from '../src/run-dir/status-file.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  return { io: { stdout, stderr }, out: () => out.join(''), err: () => err.join('') };
}

describe('ebs-autoscale main', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ebs-autoscale-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints a command's own help for `<command> --help`, `-h` and `help <command>`, exit 0", async () => {
    for (const argv of [
      ['demo', '--help'],
      ['demo', '--rate', '5', '-h'],
      ['help', 'demo'],
    ]) {
      const c = capture();
      expect(await main(argv, c.io)).toBe(0);
      expect(c.out()).toContain('Usage: ebs-autoscale demo');
      expect(c.out()).toContain('--latencies');
      expect(c.err()).toBe('');
    }
    for (const command of ['run', 'status', 'config', 'iam-policy', 'userdata']) {
      const c = capture();
      expect(await main([command, '--help'], c.io)).toBe(0);
      expect(c.out()).toContain(`Usage: ebs-autoscale ${command}`);
      expect(c.err()).not.toContain('Unknown option');
    }
  });

  it('exits 2 on a malformed configuration, listing every problem', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ mountpoint: 'scratch', volume: { iops: 'fast' } }));
    const c = capture();
    expect(await main(['config', '--config', file], c.io)).toBe(2);
    expect(c.err()).toContain(`2 problems in ${file}`);
    expect(c.err()).toContain('volume.iops: expected an integer from 3000 to 80000 for gp3, got "fast"');
  });

  it('exits 2 on a missing file and on invalid JSON, saying which', async () => {
    const missing = capture();
    expect(await main(['config', join(dir, 'nope.json')], missing.io)).toBe(2);
    expect(missing.err()).toContain('does not exist');
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "mountpoint": ');
    const broken = capture();
    expect(await main(['config', file], broken.io)).toBe(2);
    expect(broken.err()).toContain('not valid JSON');
  });

  it('prints the IAM policy and user data for a valid file', async () => {
    const file = join(dir, 'good.json');
    await writeFile(file, JSON.stringify({ version: 1, mountPoint: '/scratch' }));
    const iam = capture();
    expect(await main(['iam-policy', '-c', file, '--region', 'eu-west-1'], iam.io)).toBe(0);
    expect(JSON.parse(iam.out()).Version).toBe('2012-10-17');
    const userdata = capture();
    expect(await main(['userdata', '--artifact', 's3://bucket/ebs-autoscale-0.1.0-linux-x64.tar.gz', '-m', '/var/lib/docker'], userdata.io)).toBe(0);
    expect(userdata.out()).toContain("install --mountpoint '/var/lib/docker'");
  });

  it('rejects unknown commands and options with exit 2', async () => {
    const c = capture();
    expect(await main(['grow'], c.io)).toBe(2);
    expect(c.err()).toContain('Unknown command "grow"');
    const o = capture();
    expect(await main(['iam-policy', '--regoin', 'x'], o.io)).toBe(2);
    expect(o.err()).toContain('--regoin');
  });

  it('status reads the agent’s status file as a table or JSON', async () => {
    const runDir = join(dir, 'run');
    await import('node:fs/promises').then((fs) => fs.mkdir(runDir, { recursive: true }));
    const status = {
      state: 'running',
      scaling: false,
      mountPoint: '/scratch',
      driver: 'btrfs',
      provisioner: 'ebs',
      policy: 'compatibility',
      intervalMs: 2000,
      limits: DEFAULT_LIMITS,
      usage: undefined,
      worst: undefined,
      devices: ['/dev/nvme1n1'],
      volumes: [],
      addedVolumes: 0,
      addedGiB: 0,
      lastDecision: undefined,
      lastDecisionAt: undefined,
      consecutiveFailures: 0,
      retryAt: undefined,
      limitReached: undefined,
      readOnly: false,
      keptVolumes: [],
    } as const;
    await writeStatusReport(statusFilePath('/scratch', runDir), { pid: process.pid, writtenAt: Date.now(), status });
    const table = capture();
    expect(await main(['status', '-m', '/scratch', '--run-dir', runDir], table.io)).toBe(0);
    expect(table.out()).toContain('ebs-autoscale /scratch: running');
    const json = capture();
    expect(await main(['status', '-m', '/scratch', '--run-dir', runDir, '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ running: true, status: { devices: ['/dev/nvme1n1'] } });
    const none = capture();
    expect(await main(['status', '-m', '/elsewhere', '--run-dir', runDir], none.io)).toBe(1);
    expect(none.err()).toContain('No agent has reported for /elsewhere');
  });
});
