/**
 * An error as EC2 returns it: a code, a message and an HTTP status. Actions throw it; the HTTP layer
 * renders it as EC2's error XML. Client errors are 400 unless said otherwise.
 */
export class Ec2ApiError extends Error {
  override readonly name = 'Ec2ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function requestLimitExceeded(): Ec2ApiError {
  return new Ec2ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
}

export function missingParameter(name: string): Ec2ApiError {
  return new Ec2ApiError('MissingParameter', `The request must contain the parameter ${name}`);
}

export function invalidParameterValue(message: string): Ec2ApiError {
  return new Ec2ApiError('InvalidParameterValue', message);
}

export function volumeNotFound(volumeId: string): Ec2ApiError {
  return new Ec2ApiError('InvalidVolume.NotFound', `The volume '${volumeId}' does not exist.`);
}

export function instanceNotFound(instanceId: string): Ec2ApiError {
  return new Ec2ApiError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
}

export function incorrectVolumeState(message: string): Ec2ApiError {
  return new Ec2ApiError('IncorrectState', message);
}
