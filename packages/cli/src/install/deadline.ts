import { EbsAutoscaleError } from '@ebs-autoscale/core';

/**
 * Runs `work` with an overall deadline: past it, the signal aborts (so a volume being created is
 * cleaned up) and the returned promise rejects with a TIMEOUT error whose message says what to do.
 * Install runs from cloud-init, where hanging would stall the boot instead of failing it.
 */
export async function withDeadline<T>(timeoutMs: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(
        new EbsAutoscaleError('install', 'TIMEOUT', `${what} did not finish within ${timeoutMs / 1000} s; gave up.`, {
          hint: 'Check EC2 access (IAM policy: `ebs-autoscale iam-policy`) and the instance metadata endpoint, or raise --timeout.',
        }),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(abort.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
