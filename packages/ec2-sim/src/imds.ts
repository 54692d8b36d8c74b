import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SimWorld } from './world.js';

const MAX_TTL_SECONDS = 21_600;

/**
 * IMDSv2 as EC2 serves it: a session token from `PUT /latest/api/token`, then GETs that carry it.
 * A GET without a valid token (IMDSv1) gets 401, as on an instance with `HttpTokens=required`.
 */
export function createImdsServer(world: SimWorld): Server {
  const tokens = new Map<string, number>();
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    if (world.faults.imdsDown) {
      request.socket.destroy();
      return;
    }
    request.resume();
    const path = new URL(request.url ?? '/', 'http://169.254.169.254').pathname;
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'text/plain', ...headers });
      response.end(body);
    };
    if (path === '/latest/api/token') {
      if (request.method !== 'PUT') return send(405, 'Method Not Allowed');
      const ttl = Number(request.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) return send(400, 'Bad Request');
      const token = randomBytes(40).toString('base64url');
      tokens.set(token, world.clock.now() + ttl * 1000);
      return send(200, token, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'Method Not Allowed');
    const token = request.headers['x-aws-ec2-metadata-token'];
    const expires = typeof token === 'string' ? tokens.get(token) : undefined;
    if (expires === undefined || expires <= world.clock.now()) return send(401, 'Unauthorized');
    const body = metadata(world, path);
    if (body === undefined) return send(404, 'Not Found');
    return send(200, body, path.endsWith('/document') ? { 'content-type': 'application/json' } : {});
  });
}

/** The body for one metadata path, or undefined for 404. */
export function metadata(world: SimWorld, path: string): string | undefined {
  const instance = world.instance;
  const tags = world.tagsOf(instance.instanceId);
  const blockDevices = blockDeviceMapping(world);
  if (path === '/latest/dynamic/instance-identity/document') {
    return JSON.stringify(
      {
        accountId: world.accountId,
        architecture: 'x86_64',
        availabilityZone: instance.availabilityZone,
        imageId: instance.imageId,
        instanceId: instance.instanceId,
        instanceType: instance.instanceType,
        pendingTime: new Date(0).toISOString(),
        privateIp: '10.0.0.10',
        region: instance.region,
        version: '2017-09-30',
      },
      null,
      2,
    );
  }
  const prefix = '/latest/meta-data/';
  if (!path.startsWith(prefix) && path !== '/latest/meta-data') return undefined;
  const rest = decodeURIComponent(path.slice(prefix.length));
  const files: Record<string, string> = {
    'ami-id': instance.imageId,
    'instance-id': instance.instanceId,
    'instance-type': instance.instanceType,
    'placement/availability-zone': instance.availabilityZone,
    'placement/region': instance.region,
  };
  for (const [name, device] of blockDevices) files[`block-device-mapping/${name}`] = device;
  if (instance.tagsInMetadata) for (const [key, value] of tags) files[`tags/instance/${key}`] = value;
  const file = files[rest];
  if (file !== undefined) return file;
  return listing(Object.keys(files), rest.endsWith('/') || rest === '' ? rest : `${rest}/`);
}

/** The entries directly under `dir`, directories with a trailing slash; undefined when there are none. */
function listing(paths: readonly string[], dir: string): string | undefined {
  const entries = new Set<string>();
  for (const path of paths) {
    if (!path.startsWith(dir)) continue;
    const rest = path.slice(dir.length);
    const slash = rest.indexOf('/');
    entries.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  return entries.size === 0 ? undefined : [...entries].join('\n');
}

/**
 * `ami` and `root` name the root device; `ebsN` the other attached volumes in attach order. (Real
 * IMDS reports launch-time mappings only; reporting live attachments is more useful in tests.)
 */
function blockDeviceMapping(world: SimWorld): [string, string][] {
  const instance = world.instance;
  const entries: [string, string][] = [
    ['ami', instance.rootDeviceName],
    ['root', instance.rootDeviceName],
  ];
  const others = world
    .attachedTo(instance.instanceId)
    .filter((volume) => !volume.root && volume.attachment?.state === 'attached')
    .sort((a, b) => a.seq - b.seq);
  others.forEach((volume, index) => entries.push([`ebs${index + 1}`, (volume.attachment?.device ?? '').replace(/^\/dev\//, '')]));
  return entries;
}
