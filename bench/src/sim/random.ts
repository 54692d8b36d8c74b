import type { Random } from '@ebs-autoscale/ec2-sim';

// The seeded generator is the simulator's own, so a benchmark and ec2-sim draw from one implementation.
export { createRandom, type Random } from '@ebs-autoscale/ec2-sim';

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
