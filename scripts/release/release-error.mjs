/**
 * An error of the release build, in the house format: `[ebs-autoscale] [release:<step>] what happened: what to do`.
 * @param {string} step
 * @param {string} message
 * @param {unknown} [cause]
 */
export function releaseError(step, message, cause) {
  return new Error(`[ebs-autoscale] [release:${step}] ${message}`, cause === undefined ? undefined : { cause });
}
