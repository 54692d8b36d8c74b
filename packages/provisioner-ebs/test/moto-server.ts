// moto_server (moto 5.2, a widely used EC2 emulator nobody here wrote) as a second, independent EC2 for
// the provisioner suite. Started on a free loopback port; `available()` says whether this host has it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { EC2Client, RunInstancesCommand, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import type { MetadataClient } from '../src/instance-identity.js';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** True when `moto_server` runs here; checked once, synchronously, because vitest decides skips at collection. */
export function motoAvailable(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface MotoServer {
  readonly region: string;
  readonly clientConfig: EC2ClientConfig;
  /** Forgets every resource (moto's own reset endpoint). */
  reset(): Promise<void>;
  /** Launches an instance and returns an IMDS stand-in that describes it (moto has no IMDS). */
  launchInstance(): Promise<{ instanceId: string; metadata: MetadataClient }>;
  close(): Promise<void>;
}

export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    const up = await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (attempt > 200 || child.exitCode !== null) throw new Error(`moto_server did not start on ${endpoint} (exit code ${child.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const clientConfig: EC2ClientConfig = { endpoint, region: REGION, credentials: CREDENTIALS };
  return {
    region: REGION,
    clientConfig,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async launchInstance() {
      const ec2 = new EC2Client(clientConfig);
      try {
        // ami-12c6146b is in moto's bundled image catalogue; the image is irrelevant to EBS.
        const { Instances } = await ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-12c6146b',
            InstanceType: 'm5.large',
            MinCount: 1,
            MaxCount: 1,
            Placement: { AvailabilityZone: `${REGION}a` },
          }),
        );
        const instance = Instances![0]!;
        const document = JSON.stringify({
          instanceId: instance.InstanceId,
          region: REGION,
          availabilityZone: `${REGION}a`,
          instanceType: 'm5.large',
          accountId: '123456789012',
        });
        const notFound = (path: string) => Object.assign(new Error(`${path}: status code 404`), { $metadata: { httpStatusCode: 404 } });
        const metadata: MetadataClient = {
          request: async (path) => {
            if (path === 'latest/dynamic/instance-identity/document') return document;
            throw notFound(path);
          },
        };
        return { instanceId: instance.InstanceId!, metadata };
      } finally {
        ec2.destroy();
      }
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
