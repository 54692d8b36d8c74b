import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli-args.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

it('parses its flags and refuses bad ones', () => {
  expect(parseCliArgs(['--backing', 'loop', '--port', '0', '--imds-port', '0', '--state-dir', '/tmp/x', '--latencies', 'zero'])).toMatchObject({
    backing: 'loop',
    port: 0,
    imdsPort: 0,
    stateDir: '/tmp/x',
    latencies: 'zero',
  });
  expect(() => parseCliArgs(['--backing', 'disk'])).toThrow(/--backing/);
  expect(() => parseCliArgs(['--port', 'abc'])).toThrow(/--port/);
});

it('starts, prints its endpoints as one JSON line, serves EC2, and exits cleanly on SIGTERM', async () => {
  // Runs the TypeScript sources (no build needed): type transforms for parameter properties, the
  // `source` condition for workspace packages, and a resolve hook for `.js` → `.ts`.
  const child = spawn(
    process.execPath,
    [
      '--experimental-transform-types',
      '--no-warnings',
      '--conditions=source',
      '--import',
      '../../scripts/resolve-ts.mjs',
      'src/bin.ts',
      '--port',
      '0',
      '--imds-port',
      '0',
      '--latencies',
      'zero',
    ],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const info = JSON.parse(line) as { endpoint: string; imdsEndpoint: string; region: string; instanceId: string };
    expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.imdsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ec2 = new EC2Client({ endpoint: info.endpoint, region: info.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    const { Reservations } = await ec2.send(new DescribeInstancesCommand({}));
    expect(Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(info.instanceId);
    ec2.destroy();
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
