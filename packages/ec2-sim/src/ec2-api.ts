import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Ec2ApiError, requestLimitExceeded } from './api-error.js';
import type { ActionHandler } from './actions/action.js';
import { describeInstances, modifyInstanceAttribute } from './actions/instances.js';
import { describeVolumesModifications, modifyVolumeAction } from './actions/modifications.js';
import type { VolumeModificationRule } from './modification-rule.js';
import { createTags, describeTags } from './actions/tags.js';
import { attachVolume, createVolume, deleteVolume, describeVolumes, detachVolume } from './actions/volumes.js';
import { boolParam, parseQuery } from './query.js';
import { classify, type StatsCounter, type Throttler } from './throttling.js';
import type { SimWorld } from './world.js';
import { renderError, renderResponse } from './xml.js';

/** The services one EC2 endpoint needs. */
export interface Ec2ApiDeps {
  readonly world: SimWorld;
  readonly throttler: Throttler;
  readonly stats: StatsCounter;
  readonly modificationRule: VolumeModificationRule;
}

function actionTable(rule: VolumeModificationRule): Record<string, ActionHandler> {
  return {
    CreateVolume: createVolume,
    DescribeVolumes: describeVolumes,
    AttachVolume: attachVolume,
    DetachVolume: detachVolume,
    DeleteVolume: deleteVolume,
    CreateTags: createTags,
    DescribeTags: describeTags,
    DescribeInstances: describeInstances,
    ModifyInstanceAttribute: modifyInstanceAttribute,
    ModifyVolume: modifyVolumeAction(rule),
    DescribeVolumesModifications: describeVolumesModifications,
  };
}

/** `Credential=AKID/20240101/us-west-2/ec2/aws4_request` → `us-west-2`. Signatures are not checked. */
export function regionFromAuthorization(header: string | undefined): string | undefined {
  return header ? /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/ec2\//.exec(header)?.[1] : undefined;
}

/** Runs one Query request through throttling, faults and the action; returns status and XML. */
export function handleQuery(
  deps: Ec2ApiDeps,
  table: Record<string, ActionHandler>,
  body: string,
  authorization: string | undefined,
): { status: number; xml: string } {
  const requestId = randomUUID();
  const { world, throttler, stats } = deps;
  const params = parseQuery(body);
  const action = params.get('Action') ?? '';
  const region = regionFromAuthorization(authorization) ?? world.instance.region;
  stats.call(action);
  try {
    const handler = table[action];
    if (!action) throw new Ec2ApiError('MissingAction', 'The request must contain the parameter Action.');
    if (!handler) throw new Ec2ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
    if (world.faults.isThrottled(action) || !throttler.admit(world.accountId, region, action, classify(action, params))) throw requestLimitExceeded();
    const injected = world.faults.errorFor(action);
    if (injected) throw injected;
    if (boolParam(params, 'DryRun')) throw new Ec2ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    return { status: 200, xml: renderResponse(action, requestId, handler({ world, params, region })) };
  } catch (error) {
    stats.error(action);
    if (!(error instanceof Ec2ApiError)) {
      return { status: 500, xml: renderError('InternalError', `An internal error has occurred: ${String(error)}`, requestId) };
    }
    if (error.code === 'RequestLimitExceeded') stats.throttle(action);
    return { status: error.status, xml: renderError(error.code, error.message, requestId) };
  }
}

/** The EC2 endpoint: `POST /` with a form-encoded body (a GET with a query string works too). */
export function createEc2Server(deps: Ec2ApiDeps): Server {
  const table = actionTable(deps.modificationRule);
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const query = new URL(request.url ?? '/', 'http://localhost').searchParams.toString();
      const body = [Buffer.concat(chunks).toString('utf8'), query].filter(Boolean).join('&');
      const { status, xml } = handleQuery(deps, table, body, request.headers.authorization);
      response.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': randomUUID() });
      response.end(xml);
    });
  });
}
