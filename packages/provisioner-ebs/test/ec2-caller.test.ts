import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { IsolatedEventEmitter } from '@ebs-autoscale/core';
import { ManualClock } from '@ebs-autoscale/core/testing';
import { describe, expect, it } from 'vitest';
import type { Ec2Api } from '../src/ec2-api.js';
import { Ec2Caller } from '../src/ec2-caller.js';
import { classifyEc2Error, Ec2CallError, translateEc2Error } from '../src/ec2-errors.js';
import type { EbsProvisionerEvents } from '../src/events.js';

function sdkError(name: string, status: number, fault: 'client' | 'server' = status >= 500 ? 'server' : 'client', message = name): EC2ServiceException {
  return new EC2ServiceException({ name, message, $fault: fault, $metadata: { httpStatusCode: status } });
}

describe('the SDK error boundary', () => {
  it.each([
    ['RequestLimitExceeded', 503, 'throttled', 'THROTTLED'],
    ['Throttling', 400, 'throttled', 'THROTTLED'],
    ['InternalError', 500, 'server', 'INTERNAL'],
    ['UnauthorizedOperation', 403, 'unauthorized', 'UNAUTHORIZED'],
    ['IdempotentParameterMismatch', 400, 'idempotency-mismatch', 'INVALID_ARGUMENT'],
    ['VolumeModificationRateExceeded', 400, 'modification-rate', 'LIMIT_REACHED'],
    ['InsufficientVolumeCapacity', 503, 'insufficient-capacity', 'INSUFFICIENT_CAPACITY'],
    ['InvalidVolume.NotFound', 400, 'not-found', 'INVALID_ARGUMENT'],
    ['InvalidParameterValue', 400, 'invalid', 'INVALID_ARGUMENT'],
  ] as const)('%s becomes %s / %s', (name, status, kind, code) => {
    const error = translateEc2Error(sdkError(name, status), 'CreateVolume');
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(code);
  });

  it('names the missing IAM action and tells the operator to grant it', () => {
    const error = translateEc2Error(sdkError('UnauthorizedOperation', 403), 'AttachVolume');
    expect(error.message).toContain('ec2:AttachVolume');
    expect(error.hint).toMatch(/Grant ec2:AttachVolume/);
  });

  it('recognises a device name in use on AttachVolume only', () => {
    const inUse = sdkError('InvalidParameterValue', 400, 'client', "Invalid value '/dev/xvdba' for unixDevice. Attachment point /dev/xvdba is already in use");
    expect(classifyEc2Error(inUse, 'AttachVolume').kind).toBe('device-in-use');
    expect(classifyEc2Error(inUse, 'CreateVolume').kind).toBe('invalid');
  });

  it('treats a connection failure without an answer as network', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyEc2Error(reset, 'DescribeVolumes').kind).toBe('network');
  });
});

describe('Ec2Caller', () => {
  function setup(failures: Error[], retries = 3) {
    const clock = new ManualClock(0);
    const events = new IsolatedEventEmitter<EbsProvisionerEvents>(() => clock.now());
    const calls: EbsProvisionerEvents['ec2:call'] extends (event: infer E) => void ? E[] : never = [];
    const retriesSeen: number[] = [];
    events.on('ec2:call', (event) => calls.push(event));
    events.on('ec2:retry', (event) => retriesSeen.push(event.delayMs));
    let attempts = 0;
    const api = {
      describeVolumes: async () => {
        attempts += 1;
        const failure = failures.shift();
        if (failure) throw failure;
        return { Volumes: [], $metadata: {} };
      },
    } as unknown as Ec2Api;
    const caller = new Ec2Caller(api, events, clock, { retries, initialDelayMs: 100, factor: 2, maxDelayMs: 1000, jitter: 0 }, () => 0.5);
    return { clock, caller, calls, retriesSeen, attempts: () => attempts };
  }

  it('retries throttling on the injected clock with a growing delay, and reports every attempt', async () => {
    const { clock, caller, calls, retriesSeen, attempts } = setup([sdkError('RequestLimitExceeded', 503), sdkError('RequestLimitExceeded', 503)]);
    const result = caller.call('DescribeVolumes', (api) => api.describeVolumes({}));
    await clock.advance(1000);
    await expect(result).resolves.toEqual({ Volumes: [], $metadata: {} });
    expect(attempts()).toBe(3);
    expect(retriesSeen).toEqual([100, 200]);
    expect(calls.map((call) => [call.attempt, call.error?.kind])).toEqual([
      [1, 'throttled'],
      [2, 'throttled'],
      [3, undefined],
    ]);
  });

  it('does not retry what cannot succeed', async () => {
    const { caller, attempts } = setup([sdkError('UnauthorizedOperation', 403)]);
    const error = await caller.call('DescribeVolumes', (api) => api.describeVolumes({})).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Ec2CallError);
    expect((error as Ec2CallError).code).toBe('UNAUTHORIZED');
    expect(attempts()).toBe(1);
  });

  it('gives up after its budget with the translated error', async () => {
    const storm = Array.from({ length: 10 }, () => sdkError('RequestLimitExceeded', 503));
    const { clock, caller, attempts } = setup(storm, 2);
    const result = caller.call('DescribeVolumes', (api) => api.describeVolumes({})).catch((thrown: unknown) => thrown);
    await clock.advance(10_000);
    expect(((await result) as Ec2CallError).code).toBe('THROTTLED');
    expect(attempts()).toBe(3);
  });
});
