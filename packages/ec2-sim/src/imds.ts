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

/**
 * Why EC2 would refuse `key` as an instance tag while tags are in instance metadata (each key is a
 * path segment there), or undefined when it is fine. The rule is the EC2 User Guide's, "View tags
 * for your EC2 instances from instance metadata": letters, digits and `+ - = . , _ : @`; no space
 * or `/`; not `.`, `..` or `_index`.
 */
export function metadataTagKeyProblem(key: string): string | undefined {
  if (key === '.' || key === '..' || key === '_index') return `"${key}" is a reserved name`;
  if (/[ /]/.test(key)) return `"${key}" contains a space or "/"`;
  if (!/^[A-Za-z0-9+\-=.,_:@]+$/.test(key)) return `"${key}" has a character other than letters, digits and + - = . , _ : @`;
  return undefined;
}

/** The body for one metadata path, or undefined for 404. */
export function metadata(world: SimWorld, path: string): string | undefined {
  if (!path.startsWith('/latest/')) return undefined;
  const rest = decodeURIComponent(path.slice('/latest/'.length));
  const files = metadataFiles(world);
  const file = files[rest];
  if (file !== undefined) return file;
  // `/latest/` names its categories without a trailing slash, as EC2's IMDS does; deeper listings mark directories with one.
  if (rest === '') return listing(Object.keys(files), '')?.replaceAll('/', '');
  return listing(Object.keys(files), rest.endsWith('/') ? rest : `${rest}/`);
}

/** Every file IMDS serves, by its path under `/latest/`. */
function metadataFiles(world: SimWorld): Record<string, string> {
  const instance = world.instance;
  const files: Record<string, string> = {
    'dynamic/instance-identity/document': identityDocument(world),
    'meta-data/ami-id': instance.imageId,
    'meta-data/instance-id': instance.instanceId,
    'meta-data/instance-type': instance.instanceType,
    'meta-data/placement/availability-zone': instance.availabilityZone,
    'meta-data/placement/region': instance.region,
  };
  for (const [name, device] of blockDeviceMapping(world)) files[`meta-data/block-device-mapping/${name}`] = device;
  if (instance.tagsInMetadata) for (const [key, value] of world.tagsOf(instance.instanceId)) files[`meta-data/tags/instance/${key}`] = value;
  return files;
}

function identityDocument(world: SimWorld): string {
  const instance = world.instance;
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
