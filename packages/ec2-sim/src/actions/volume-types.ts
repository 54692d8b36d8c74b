import { Ec2ApiError, invalidParameterValue } from '../api-error.js';

interface TypeRule {
  minGiB: number;
  maxGiB: number;
  iops?: { min: number; max: number; default?: number; required: boolean };
  throughput?: { min: number; max: number; default: number };
}

/** Size, IOPS and throughput bounds per volume type, from the EBS volume types page. */
const RULES: Record<string, TypeRule> = {
  gp2: { minGiB: 1, maxGiB: 16_384 },
  gp3: { minGiB: 1, maxGiB: 16_384, iops: { min: 3_000, max: 16_000, default: 3_000, required: false }, throughput: { min: 125, max: 1_000, default: 125 } },
  io1: { minGiB: 4, maxGiB: 16_384, iops: { min: 100, max: 64_000, required: true } },
  io2: { minGiB: 4, maxGiB: 65_536, iops: { min: 100, max: 256_000, required: true } },
  st1: { minGiB: 125, maxGiB: 16_384 },
  sc1: { minGiB: 125, maxGiB: 16_384 },
  standard: { minGiB: 1, maxGiB: 1_024 },
};

/** A validated volume configuration. */
export interface VolumeSpec {
  sizeGiB: number;
  volumeType: string;
  iops: number | undefined;
  throughput: number | undefined;
}

/** Validates a requested configuration and fills in EC2's defaults; throws EC2's errors. */
export function resolveVolumeSpec(request: { sizeGiB: number; volumeType: string; iops?: number; throughput?: number }): VolumeSpec {
  const rule = RULES[request.volumeType];
  if (!rule) throw invalidParameterValue(`Value (${request.volumeType}) for parameter volumeType is invalid. Valid types: ${Object.keys(RULES).join(', ')}.`);
  const { sizeGiB, volumeType } = request;
  if (sizeGiB > rule.maxGiB) throw invalidParameterValue(`Volume of ${sizeGiB}GiB is too large for volume type ${volumeType}; maximum is ${rule.maxGiB}GiB`);
  if (sizeGiB < rule.minGiB) throw invalidParameterValue(`Volume of ${sizeGiB}GiB is too small for volume type ${volumeType}; minimum is ${rule.minGiB}GiB`);
  if (request.iops !== undefined && !rule.iops) throw combination(`The parameter iops is not supported for ${volumeType} volumes.`);
  if (request.throughput !== undefined && !rule.throughput) throw combination(`The parameter throughput is not supported for ${volumeType} volumes.`);
  if (rule.iops?.required && request.iops === undefined) throw new Ec2ApiError('MissingParameter', `The request must contain the parameter iops for ${volumeType} volumes`);
  const iops = request.iops ?? rule.iops?.default ?? (volumeType === 'gp2' ? gp2Iops(sizeGiB) : undefined);
  if (rule.iops && iops !== undefined && (iops < rule.iops.min || iops > rule.iops.max)) {
    throw invalidParameterValue(`Value (${iops}) for parameter iops is invalid. Expected a value between ${rule.iops.min} and ${rule.iops.max}.`);
  }
  const throughput = request.throughput ?? rule.throughput?.default;
  if (rule.throughput && throughput !== undefined && (throughput < rule.throughput.min || throughput > rule.throughput.max)) {
    throw invalidParameterValue(`Value (${throughput}) for parameter throughput is invalid. Expected a value between ${rule.throughput.min} and ${rule.throughput.max}.`);
  }
  return { sizeGiB, volumeType, iops, throughput };
}

/** gp2 gets 3 IOPS per GiB, at least 100 and at most 16 000; EC2 reports it as the volume's iops. */
function gp2Iops(sizeGiB: number): number {
  return Math.min(16_000, Math.max(100, 3 * sizeGiB));
}

function combination(message: string): Ec2ApiError {
  return new Ec2ApiError('InvalidParameterCombination', message);
}
