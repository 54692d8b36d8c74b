import { EC2Client } from '@aws-sdk/client-ec2';
import { ManualClock } from '@ebs-autoscale/core/testing';
import { startEc2Simulator, type Ec2Simulator, type Ec2SimulatorOptions } from '../src/index.js';

/** A simulator on a ManualClock with zero latencies, and an SDK client that does not retry. */
export async function startTestSim(options: Ec2SimulatorOptions = {}): Promise<{ sim: Ec2Simulator; ec2: EC2Client; clock: ManualClock }> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(Date.parse('2025-01-01T00:00:00Z'));
  const sim = await startEc2Simulator({ latencies: 'zero', clock, ...options });
  const ec2 = new EC2Client({ ...sim.clientConfig(), maxAttempts: 1 });
  return { sim, ec2, clock };
}

/** The EC2 error code an SDK call rejected with. */
export async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
