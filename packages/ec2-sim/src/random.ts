/** A seeded source of randomness in [0, 1): the same seed gives the same sequence. */
export type Random = () => number;

/**
 * mulberry32, a tiny seeded PRNG: reproducible latencies, resource ids and benchmark draws without a
 * dependency. Good enough for simulation, not for cryptography.
 *
 * @example
 * ```ts
 * const random = createRandom(1);
 * random(); // the same number on every run
 * ```
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
