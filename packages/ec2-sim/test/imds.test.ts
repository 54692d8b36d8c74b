import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ec2Simulator } from '../src/index.js';
import { startTestSim } from './helpers.js';

let sim: Ec2Simulator;
beforeAll(async () => {
  ({ sim } = await startTestSim());
});
afterAll(() => sim.close());

async function token(ttl = 60): Promise<string> {
  const response = await fetch(`${sim.imdsEndpoint}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(ttl) } });
  expect(response.status).toBe(200);
  return response.text();
}

async function get(path: string, sessionToken?: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${sim.imdsEndpoint}${path}`, { headers: sessionToken ? { 'X-aws-ec2-metadata-token': sessionToken } : {} });
  return { status: response.status, body: await response.text() };
}

describe('IMDSv2', () => {
  it('serves metadata with a session token and refuses IMDSv1', async () => {
    const t = await token();
    expect(await get('/latest/meta-data/instance-id', t)).toEqual({ status: 200, body: 'i-0123456789abcdef0' });
    expect((await get('/latest/meta-data/placement/availability-zone', t)).body).toBe('us-east-1a');
    expect((await get('/latest/meta-data/placement/region', t)).body).toBe('us-east-1');
    expect((await get('/latest/meta-data/instance-type', t)).body).toBe('m5.large');
    expect((await get('/latest/meta-data/block-device-mapping/', t)).body.split('\n')).toEqual(['ami', 'root']);
    expect((await get('/latest/meta-data/block-device-mapping/root', t)).body).toBe('/dev/xvda');
    expect((await get('/latest/meta-data/instance-id')).status).toBe(401);
    expect((await get('/latest/meta-data/instance-id', 'forged')).status).toBe(401);
    expect((await get('/latest/meta-data/no-such-thing', t)).status).toBe(404);
  });

  it('refuses a token request without a valid TTL', async () => {
    const response = await fetch(`${sim.imdsEndpoint}/latest/api/token`, { method: 'PUT' });
    expect(response.status).toBe(400);
  });

  it('serves instance tags, including keys with colons and values with spaces', async () => {
    const t = await token();
    const keys = (await get('/latest/meta-data/tags/instance/', t)).body.split('\n');
    expect(keys).toEqual(['Name', 'team:storage-ops', 'aws:cloudformation:stack-name']);
    expect((await get('/latest/meta-data/tags/instance/team:storage-ops', t)).body).toBe('disk growth: on');
  });

  it('serves the identity document', async () => {
    const document = JSON.parse((await get('/latest/dynamic/instance-identity/document', await token())).body) as Record<string, string>;
    expect(document).toMatchObject({
      accountId: '123456789012',
      region: 'us-east-1',
      instanceId: 'i-0123456789abcdef0',
      availabilityZone: 'us-east-1a',
      instanceType: 'm5.large',
    });
  });

  it('expires tokens on the simulator clock and can be made unavailable', async () => {
    const t = await token(1);
    const clock = sim.clock as import('@ebs-autoscale/core/testing').ManualClock;
    await clock.advance(1_000);
    expect((await get('/latest/meta-data/instance-id', t)).status).toBe(401);
    sim.faults.imdsUnavailable();
    await expect(fetch(`${sim.imdsEndpoint}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } })).rejects.toThrow();
    sim.faults.imdsUnavailable(false);
    expect(await token()).toMatch(/\S{20,}/);
  });
});
