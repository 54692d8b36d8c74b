/** A seeded source of randomness in [0, 1): every benchmark run with the same seed gives the same numbers. */
export type Random = () => number;

/** mulberry32: tiny, fast, and good enough to draw latencies and job sizes (not for cryptography). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A latency distribution, seconds. */
export type Distribution = (random: Random) => number;

/** A standard normal draw (Box–Muller). */
export function normal(random: Random): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * A log-normal distribution given by its median and 99th percentile, the way latencies are usually
 * published. sigma = ln(p99 / median) / z(0.99), z(0.99) = 2.326.
 */
export function logNormal(median: number, p99: number): Distribution {
  const sigma = Math.log(p99 / median) / 2.326;
  return (random) => median * Math.exp(sigma * normal(random));
}

/** Uniform on [min, max]. */
export function uniform(min: number, max: number): Distribution {
  return (random) => min + (max - min) * random();
}

/** Always the same value. */
export function constant(value: number): Distribution {
  return () => value;
}

/** An exponential draw with the given mean (Poisson arrivals). */
export function exponential(random: Random, mean: number): number {
  return -Math.log(1 - random()) * mean;
}
