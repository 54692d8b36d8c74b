import { Ec2ApiError, invalidParameterValue } from '../api-error.js';

interface TypeRule {
  minGiB: number;
  maxGiB: number;
  /** `perGiB`: most IOPS per GiB of size; `min` is allowed at any size (gp3's 3,000 baseline on 1 GiB). */
  iops?: { min: number; max: number; perGiB: number; default?: number; required: boolean };
  /** `perIops`: most MiB/s per provisioned IOPS (gp3's IOPS default when the request names none). */
  throughput?: { min: number; max: number; perIops: number; default: number };
}

/**
 * Size, IOPS and throughput bounds per volume type. This is the simulator's own model of EC2, kept
 * apart from the provisioner's client-side table so that the two can disagree and tests catch it.
 * Sources: the EC2 API reference as it reads today, CreateVolume/ModifyVolume `Iops` (gp3 3,000–80,000,
 * io1 100–64,000, io2 100–256,000), `Throughput` (gp3 125–2,000 MiB/s) and `Size` (gp3 and io2 up to
 * 65,536 GiB; gp2, io1, st1 and sc1 up to 16,384); the EBS user guide, "General Purpose SSD volumes"
 * (gp3: at most 500 IOPS per GiB and 0.25 MiB/s per IOPS) and "Provisioned IOPS SSD volumes" (io1: 50
 * IOPS per GiB; io2 Block Express: 1,000 IOPS per GiB). AWS raised gp3 from 16 TiB, 16,000 IOPS and
 * 1,000 MiB/s in September 2025.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html
 * https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html
 * https://docs.aws.amazon.com/ebs/latest/userguide/provisioned-iops.html
 */
const RULES: Record<string, TypeRule> = {
  gp2: { minGiB: 1, maxGiB: 16_384 },
  gp3: {
    minGiB: 1,
    maxGiB: 65_536,
    iops: { min: 3_000, max: 80_000, perGiB: 500, default: 3_000, required: false },
    throughput: { min: 125, max: 2_000, perIops: 0.25, default: 125 },
  },
  io1: { minGiB: 4, maxGiB: 16_384, iops: { min: 100, max: 64_000, perGiB: 50, required: true } },
  io2: { minGiB: 4, maxGiB: 65_536, iops: { min: 100, max: 256_000, perGiB: 1_000, required: true } },
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
export function resolveVolumeSpec(request: { sizeGiB: number; volumeType: string; iops?: number | undefined; throughput?: number | undefined }): VolumeSpec {
  const rule = RULES[request.volumeType];
  if (!rule) throw invalidParameterValue(`Value (${request.volumeType}) for parameter volumeType is invalid. Valid types: ${Object.keys(RULES).join(', ')}.`);
  const { sizeGiB, volumeType } = request;
  if (sizeGiB > rule.maxGiB) throw invalidParameterValue(`Volume of ${sizeGiB}GiB is too large for volume type ${volumeType}; maximum is ${rule.maxGiB}GiB`);
  if (sizeGiB < rule.minGiB) throw invalidParameterValue(`Volume of ${sizeGiB}GiB is too small for volume type ${volumeType}; minimum is ${rule.minGiB}GiB`);
  if (request.iops !== undefined && !rule.iops) throw combination(`The parameter iops is not supported for ${volumeType} volumes.`);
  if (request.throughput !== undefined && !rule.throughput) throw combination(`The parameter throughput is not supported for ${volumeType} volumes.`);
  if (rule.iops?.required && request.iops === undefined)
    throw new Ec2ApiError('MissingParameter', `The request must contain the parameter iops for ${volumeType} volumes`);
  const iops = request.iops ?? rule.iops?.default ?? (volumeType === 'gp2' ? gp2Iops(sizeGiB) : undefined);
  if (rule.iops && iops !== undefined && (iops < rule.iops.min || iops > rule.iops.max)) {
    throw invalidParameterValue(`Value (${iops}) for parameter iops is invalid. Expected a value between ${rule.iops.min} and ${rule.iops.max}.`);
  }
  if (rule.iops && iops !== undefined) checkIopsRatio(rule.iops, iops, sizeGiB, volumeType);
  const throughput = request.throughput ?? rule.throughput?.default;
  if (rule.throughput && throughput !== undefined && (throughput < rule.throughput.min || throughput > rule.throughput.max)) {
    throw invalidParameterValue(
      `Value (${throughput}) for parameter throughput is invalid. Expected a value between ${rule.throughput.min} and ${rule.throughput.max}.`,
    );
  }
  if (rule.throughput && throughput !== undefined && iops !== undefined) checkThroughputRatio(rule.throughput.perIops, throughput, iops);
  return { sizeGiB, volumeType, iops, throughput };
}

/**
 * EC2 refuses more IOPS than the size carries, as InvalidParameterValue "Iops to volume size ratio of
 * 750.000000 is too high; maximum is 500", as users report it from CreateVolume (e.g.
 * github.com/rocicorp/mono/pull/4410, and "... maximum is 50" for io1); the type's minimum is exempt, so a 1 GiB gp3 keeps its 3,000. The sentence after EC2's says what would fit.
 */
function checkIopsRatio(rule: NonNullable<TypeRule['iops']>, iops: number, sizeGiB: number, volumeType: string): void {
  const ceiling = Math.max(rule.min, Math.min(rule.max, rule.perGiB * sizeGiB));
  if (iops <= ceiling) return;
  throw invalidParameterValue(
    `Iops to volume size ratio of ${(iops / sizeGiB).toFixed(6)} is too high; maximum is ${rule.perGiB}. ` +
      `A ${sizeGiB}GiB ${volumeType} volume takes at most ${ceiling} IOPS; ${iops} IOPS needs at least ${Math.ceil(iops / rule.perGiB)}GiB.`,
  );
}

/**
 * EC2's text for throughput above 0.25 MiB/s per IOPS (as reported in github.com/runs-on/runs-on/issues/260,
 * which does not show the code: InvalidParameterValue is assumed), then what would fit.
 */
function checkThroughputRatio(perIops: number, throughput: number, iops: number): void {
  if (throughput <= perIops * iops) return;
  throw invalidParameterValue(
    `Throughput (MiBps) to iops ratio of ${(throughput / iops).toFixed(6)} is too high; maximum is ${perIops.toFixed(6)} MiBps per iops. ` +
      `At ${iops} IOPS the throughput is at most ${Math.floor(perIops * iops)} MiB/s; ${throughput} MiB/s needs at least ${Math.ceil(throughput / perIops)} IOPS.`,
  );
}

/** gp2 gets 3 IOPS per GiB, at least 100 and at most 16 000; EC2 reports it as the volume's iops. */
function gp2Iops(sizeGiB: number): number {
  return Math.min(16_000, Math.max(100, 3 * sizeGiB));
}

function combination(message: string): Ec2ApiError {
  return new Ec2ApiError('InvalidParameterCombination', message);
}
