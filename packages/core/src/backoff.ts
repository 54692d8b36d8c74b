/** How a failed scale is retried. */
export interface BackoffOptions {
  /** Delay after the first failure, ms. Default 5000: long enough for a throttled EC2 bucket to refill a token. */
  initialDelayMs?: number;
  /** Each further failure multiplies the delay by this. Default 2. */
  factor?: number;
  /** The delay never exceeds this, ms. Default 300 000 (5 min): a full disk cannot wait much longer. */
  maxDelayMs?: number;
  /**
   * Fraction of the delay drawn at random, ±. Default 0.2, so a fleet that failed together does not
   * retry together (the herd that EC2 throttling punishes).
   */
  jitter?: number;
  /** Source of randomness in [0, 1). Default Math.random; inject for deterministic tests. */
  random?: () => number;
}

/** The delay before retry number `failures` (1 = after the first failure), ms. */
export function backoffDelay(failures: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 5000;
  const factor = options.factor ?? 2;
  const max = options.maxDelayMs ?? 300_000;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * factor ** Math.max(0, failures - 1));
  const spread = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}
