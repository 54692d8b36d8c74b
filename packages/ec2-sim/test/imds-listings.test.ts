import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metadataTagKeyProblem } from '../src/imds.js';
import { DEFAULT_INSTANCE, startEc2Simulator, type Ec2Simulator } from '../src/index.js';
import { startTestSim } from './helpers.js';

// Issue 15, item 5: the default instance's tags must be ones EC2 serves in instance metadata, and
// IMDS lists its directories as the real one does (a newline-separated listing), through HTTP.
let sim: Ec2Simulator;
beforeAll(async () => {
  ({ sim } = await startTestSim());
});
afterAll(() => sim.close());

async function get(path: string): Promise<{ status: number; body: string }> {
  const token = await (
    await fetch(`${sim.imdsEndpoint}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } })
  ).text();
  const response = await fetch(`${sim.imdsEndpoint}${path}`, { headers: { 'X-aws-ec2-metadata-token': token } });
  return { status: response.status, body: await response.text() };
}

describe('IMDS directory listings', () => {
  it('lists the categories under /latest/ without trailing slashes', async () => {
    expect(await get('/latest/')).toEqual({ status: 200, body: 'dynamic\nmeta-data' });
  });

  it('lists /latest/dynamic/ and /latest/dynamic/instance-identity/', async () => {
    expect(await get('/latest/dynamic/')).toEqual({ status: 200, body: 'instance-identity/' });
    expect(await get('/latest/dynamic/instance-identity/')).toEqual({ status: 200, body: 'document' });
    expect(await get('/latest/dynamic/instance-identity')).toEqual({ status: 200, body: 'document' });
  });

  it('still lists meta-data with directories marked, and 404s what it does not serve', async () => {
    const { body } = await get('/latest/meta-data/');
    expect(body.split('\n')).toEqual(expect.arrayContaining(['instance-id', 'placement/', 'block-device-mapping/', 'tags/']));
    expect((await get('/latest/user-data')).status).toBe(404);
    expect((await get('/latest/dynamic/nothing/')).status).toBe(404);
  });
});

describe('instance tags in metadata', () => {
  it('serves every default tag, each key valid for instance metadata', async () => {
    for (const key of Object.keys(DEFAULT_INSTANCE.tags)) expect(metadataTagKeyProblem(key), key).toBeUndefined();
    const listed = (await get('/latest/meta-data/tags/instance/')).body.split('\n');
    expect(listed).toEqual(Object.keys(DEFAULT_INSTANCE.tags));
    for (const key of listed) expect((await get(`/latest/meta-data/tags/instance/${key}`)).body).toBe(DEFAULT_INSTANCE.tags[key]);
  });

  it('tells which keys EC2 refuses: spaces, slashes, reserved names, other characters', () => {
    expect(metadataTagKeyProblem('team:storage-ops')).toBeUndefined();
    expect(metadataTagKeyProblem('a+b=c.d,e_f@g')).toBeUndefined();
    expect(metadataTagKeyProblem('team: storage ops')).toMatch(/space/);
    expect(metadataTagKeyProblem('cost/center')).toMatch(/"\/"/);
    expect(metadataTagKeyProblem('..')).toMatch(/reserved/);
    expect(metadataTagKeyProblem('_index')).toMatch(/reserved/);
    expect(metadataTagKeyProblem('état')).toMatch(/character/);
  });

  it('refuses to start an instance whose tags IMDS could not serve, unless tags are kept out of metadata', async () => {
    await expect(startEc2Simulator({ latencies: 'zero', instance: { tags: { 'team: storage ops': 'x' } } })).rejects.toThrow(
      /\[ec2-sim\].*space.*tagsInMetadata/,
    );
    const other = await startEc2Simulator({ latencies: 'zero', instance: { tags: { 'team: storage ops': 'x' }, tagsInMetadata: false } });
    await other.close();
  });
});
