/** The VM cannot be set up on this machine: a missing tool or kernel. The message says what to install. */
export class VmSetupError extends Error {
  name = 'VmSetupError';

  /** @param {string} message @param {{ hint?: string, cause?: unknown }} [options] */
  constructor(message, options = {}) {
    super(`[vm-test] ${message}${options.hint ? `\n  → ${options.hint}` : ''}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}
