// The ONE place that knows what AWS SDK errors look like. Everything above works with
// `Ec2CallError.kind` and core's error codes; nothing else reads `name`, `$fault` or `$metadata`.
import { ProvisionerError, type ErrorCode } from '@ebs-autoscale/core';
import type { Ec2Action } from './ec2-api.js';

/** What kind of failure an EC2 call met, in our terms. Callers decide on these, never on AWS codes. */
export type Ec2FailureKind =
  /** The request was throttled (RequestLimitExceeded, Throttling): retry later. */
  | 'throttled'
  /** EC2 failed on its side (5xx): retry. */
  | 'server'
  /** The connection failed or timed out before EC2 answered: retry. */
  | 'network'
  /** The caller lacks an IAM permission, or its credentials are refused. */
  | 'unauthorized'
  /** The volume or instance does not exist (or not yet, EC2 being eventually consistent). */
  | 'not-found'
  /** AttachVolume: the device name is already taken on the instance. */
  | 'device-in-use'
  /** CreateVolume: the ClientToken was used before with other parameters, or burned by a failed create. */
  | 'idempotency-mismatch'
  /** The resource is in a state that does not allow the action yet (attaching, modifying…). */
  | 'incorrect-state'
  /** ModifyVolume: the volume had four modifications within 24 hours (EBS's rule, see modification-rule.ts). */
  | 'modification-rate'
  /** ModifyVolume: the volume's last modification has not reached `completed` yet. */
  | 'modification-in-progress'
  /** EC2 has no capacity for this volume type in the zone right now. */
  | 'insufficient-capacity'
  /** An account or instance quota (volume count, total size, attachments, IOPS). */
  | 'quota'
  /** EC2 rejected a parameter. */
  | 'invalid'
  | 'unknown';

/** A failed EC2 call, translated: `code` for programs, `hint` for operators, `kind` for the retry and recovery logic. */
export class Ec2CallError extends ProvisionerError {
  override readonly name: string = 'Ec2CallError';
  readonly kind: Ec2FailureKind;
  readonly action: Ec2Action;
  /** EC2's own error code, for logs only. */
  readonly awsCode: string;

  constructor(
    action: Ec2Action,
    kind: Ec2FailureKind,
    code: ErrorCode,
    message: string,
    awsCode: string,
    options: { hint?: string; cause?: unknown; volumeId?: string },
  ) {
    super('ebs', code, message, { ...options, retryable: RETRYABLE_KINDS.has(kind) });
    this.kind = kind;
    this.action = action;
    this.awsCode = awsCode;
  }
}

/** Kinds that may succeed if the same call is simply made again later. */
const RETRYABLE_KINDS: ReadonlySet<Ec2FailureKind> = new Set(['throttled', 'server', 'network', 'incorrect-state', 'insufficient-capacity']);

const THROTTLING_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'EC2ThrottledException',
]);
const UNAUTHORIZED_CODES = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'Blocked', 'OptInRequired']);
const CREDENTIAL_CODES = new Set([
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'RequestExpired',
  'CredentialsProviderError',
]);
const NOT_FOUND_CODES = new Set(['InvalidVolume.NotFound', 'InvalidInstanceID.NotFound', 'InvalidVolumeModification.NotFound']);
const STATE_CODES = new Set(['IncorrectState', 'IncorrectInstanceState', 'VolumeInUse', 'InvalidVolume.ZoneMismatch']);
const QUOTA_CODES = new Set([
  'VolumeLimitExceeded',
  'AttachmentLimitExceeded',
  'MaxIOPSLimitExceeded',
  'ResourceLimitExceeded',
  'InstanceAttachmentLimitExceeded',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/** Classifies an error thrown by the SDK (or by a network stack underneath it). */
export function classifyEc2Error(error: unknown, action: Ec2Action): { kind: Ec2FailureKind; awsCode: string } {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const awsCode = shape.name && shape.name !== 'Error' ? shape.name : (shape.code ?? 'Unknown');
  const status = shape.$metadata?.httpStatusCode;
  const message = shape.message ?? '';
  let kind: Ec2FailureKind;
  if (THROTTLING_CODES.has(awsCode)) kind = 'throttled';
  else if (UNAUTHORIZED_CODES.has(awsCode) || CREDENTIAL_CODES.has(awsCode)) kind = 'unauthorized';
  else if (awsCode === 'IdempotentParameterMismatch') kind = 'idempotency-mismatch';
  else if (awsCode === 'VolumeModificationRateExceeded') kind = 'modification-rate';
  else if (awsCode === 'IncorrectModificationState') kind = 'modification-in-progress';
  else if (awsCode === 'InsufficientVolumeCapacity') kind = 'insufficient-capacity';
  else if (NOT_FOUND_CODES.has(awsCode)) kind = 'not-found';
  else if (QUOTA_CODES.has(awsCode)) kind = 'quota';
  else if (action === 'AttachVolume' && /in use/i.test(message) && /InvalidParameterValue|InvalidDevice|IncorrectState/.test(awsCode)) kind = 'device-in-use';
  else if (STATE_CODES.has(awsCode)) kind = 'incorrect-state';
  else if (NETWORK_CODES.has(awsCode) || NETWORK_CODES.has(shape.code ?? '')) kind = 'network';
  else if (shape.$fault === 'server' || (status !== undefined && status >= 500)) kind = 'server';
  else if (/^(Invalid|Missing|Unknown|Unsupported)|ValidationError|InvalidParameter/.test(awsCode)) kind = 'invalid';
  else if (status === undefined && shape.$fault === undefined) kind = 'network';
  else kind = 'unknown';
  return { kind, awsCode };
}

/** Translates an SDK error of `action` into an {@link Ec2CallError}. */
export function translateEc2Error(error: unknown, action: Ec2Action, volumeId?: string): Ec2CallError {
  if (error instanceof Ec2CallError) return error;
  const { kind, awsCode } = classifyEc2Error(error, action);
  const detail = error instanceof Error ? error.message : String(error);
  const about = volumeId ? ` (${volumeId})` : '';
  const options = { cause: error, ...(volumeId ? { volumeId } : {}) };
  switch (kind) {
    case 'unauthorized':
      return CREDENTIAL_CODES.has(awsCode)
        ? new Ec2CallError(action, kind, 'UNAUTHORIZED', `EC2 refused the credentials for ${action}${about}: ${awsCode}.`, awsCode, {
            ...options,
            hint: 'Check the instance profile (or AWS_* credentials) and the system clock; the credentials are missing, expired or invalid.',
          })
        : new Ec2CallError(action, kind, 'UNAUTHORIZED', `Not authorized to perform ec2:${action}${about} (${awsCode}).`, awsCode, {
            ...options,
            hint: `Grant ec2:${action} to this instance's IAM role (see the IAM policy in the README of @ebs-autoscale/provisioner-ebs).`,
          });
    case 'throttled':
      return new Ec2CallError(action, kind, 'THROTTLED', `EC2 throttled ${action}${about} (${awsCode}).`, awsCode, {
        ...options,
        hint: 'Too many EC2 API calls in this account and region; the agent backs off, and other tools calling EC2 may be the cause.',
      });
    case 'insufficient-capacity':
      return new Ec2CallError(action, kind, 'INSUFFICIENT_CAPACITY', `EC2 has no capacity for this volume right now: ${detail}`, awsCode, {
        ...options,
        hint: 'Retry later, or configure another volume type.',
      });
    case 'quota':
      return new Ec2CallError(action, kind, 'LIMIT_REACHED', `An EC2 quota stops ${action}${about}: ${awsCode}: ${detail}`, awsCode, {
        ...options,
        hint: 'Ask for a higher EBS quota in Service Quotas, or lower the agent limits.',
      });
    case 'modification-rate':
      return new Ec2CallError(action, kind, 'LIMIT_REACHED', `EBS allows four modifications of ${volumeId ?? 'a volume'} within 24 hours: ${detail}`, awsCode, {
        ...options,
        hint: 'Wait until the oldest of them is 24 hours old, or grow by adding a volume instead.',
      });
    case 'modification-in-progress':
      return new Ec2CallError(
        action,
        kind,
        'LIMIT_REACHED',
        `EBS allows no new modification of ${volumeId ?? 'a volume'} until the last one is \`completed\`: ${detail}`,
        awsCode,
        {
          ...options,
          hint: 'Wait until DescribeVolumesModifications reports it completed (optimizing can take hours on a large volume), or grow by adding a volume instead.',
        },
      );
    case 'device-in-use':
      return new Ec2CallError(action, kind, 'DEVICE_IN_USE', `The device name is already in use on the instance: ${detail}`, awsCode, options);
    case 'not-found':
      return new Ec2CallError(action, kind, 'INVALID_ARGUMENT', `EC2 does not know ${volumeId ?? 'the resource'} (${awsCode}).`, awsCode, options);
    case 'invalid':
    case 'idempotency-mismatch':
      return new Ec2CallError(action, kind, 'INVALID_ARGUMENT', `EC2 rejected ${action}${about}: ${awsCode}: ${detail}`, awsCode, options);
    case 'incorrect-state':
      return new Ec2CallError(action, kind, 'VOLUME_FAILED', `${action}${about} is not possible in the current state: ${awsCode}: ${detail}`, awsCode, options);
    case 'server':
    case 'network':
      return new Ec2CallError(action, kind, 'INTERNAL', `${action}${about} failed before EC2 answered, or on EC2's side: ${awsCode}: ${detail}`, awsCode, {
        ...options,
        hint: 'Usually transient; check the network path to the EC2 endpoint if it persists.',
      });
    default:
      return new Ec2CallError(action, kind, 'INTERNAL', `${action}${about} failed: ${awsCode}: ${detail}`, awsCode, options);
  }
}

/** Translates a failure of the instance metadata service (IMDSv2). */
export function translateMetadataError(error: unknown, path: string): ProvisionerError {
  const detail = error instanceof Error ? error.message : String(error);
  return new ProvisionerError('ebs', 'METADATA_UNAVAILABLE', `Could not read ${path} from the instance metadata service (IMDSv2): ${detail}`, {
    cause: error,
    retryable: true,
    hint: 'Run on an EC2 instance with IMDSv2 enabled and a hop limit of 2 or more inside containers, or set `metadataEndpoint`.',
  });
}

/** True when IMDS answered 404 for the path (e.g. instance tags not enabled in metadata). */
export function isMetadataNotFound(error: unknown): boolean {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  return shape.$metadata?.httpStatusCode === 404 || /status code 404/.test(shape.message ?? '');
}
