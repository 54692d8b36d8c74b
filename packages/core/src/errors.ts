/**
 * What went wrong, as a stable code that callers can switch on. Every error of this project carries
 * one, plus a `hint` that tells the operator what to do about it.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'DEVICE_NOT_BLANK'
  | 'DEVICE_MOUNTED'
  | 'DEVICE_IN_USE'
  | 'NOT_A_BLOCK_DEVICE'
  | 'DEVICE_NOT_FOUND'
  | 'CANNOT_GROW'
  | 'NOT_PREPARED'
  | 'COMMAND_FAILED'
  | 'COMMAND_NOT_FOUND'
  | 'LIMIT_REACHED'
  | 'UNAUTHORIZED'
  | 'THROTTLED'
  | 'INSUFFICIENT_CAPACITY'
  | 'VOLUME_FAILED'
  | 'TIMEOUT'
  | 'METADATA_UNAVAILABLE'
  | 'ABORTED'
  | 'INTERNAL';

/** Options shared by every error of this project. */
export interface EbsAutoscaleErrorOptions {
  /** What the operator should do about it, in one sentence. */
  hint?: string | undefined;
  /** The lower-level error that caused this one. */
  cause?: unknown | undefined;
  /** Whether trying the same thing again later may succeed. */
  retryable?: boolean | undefined;
}

/**
 * The base of every error this project throws. Messages read `[ebs-autoscale] [source] what happened`,
 * so a log line says which component failed; `code` is for programs, `hint` for people.
 */
export class EbsAutoscaleError extends Error {
  override readonly name: string = 'EbsAutoscaleError';
  readonly code: ErrorCode;
  readonly source: string;
  readonly hint: string | undefined;
  readonly retryable: boolean;

  constructor(source: string, code: ErrorCode, message: string, options: EbsAutoscaleErrorOptions = {}) {
    const hint = options.hint ? ` ${options.hint}` : '';
    super(`[ebs-autoscale] [${source}] ${message}${hint}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.source = source;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
  }
}

/** A filesystem driver refused or failed; `driver` names which one. */
export class DriverError extends EbsAutoscaleError {
  override readonly name: string = 'DriverError';
  /** The device the error is about, when there is one. */
  readonly device: string | undefined;

  constructor(driver: string, code: ErrorCode, message: string, options: EbsAutoscaleErrorOptions & { device?: string } = {}) {
    super(driver, code, message, options);
    this.device = options.device;
  }
}

/** A volume provisioner refused or failed; `provisioner` names which one. */
export class ProvisionerError extends EbsAutoscaleError {
  override readonly name: string = 'ProvisionerError';
  /** The volume the error is about, when there is one. */
  readonly volumeId: string | undefined;

  constructor(provisioner: string, code: ErrorCode, message: string, options: EbsAutoscaleErrorOptions & { volumeId?: string } = {}) {
    super(provisioner, code, message, options);
    this.volumeId = options.volumeId;
  }
}

/** True when `error` is one of ours with the given code. */
export function hasErrorCode(error: unknown, code: ErrorCode): error is EbsAutoscaleError {
  return error instanceof EbsAutoscaleError && error.code === code;
}
