/**
 * mulberry32: a small, fast, seedable 32-bit PRNG returning doubles in [0, 1). Every randomized
 * method in this package (Theil–Sen slope selection, the synthetic series generator) draws from
 * it, so results are reproducible from their seed.
 * @see T. Ettinger, "Mulberry32" (public domain), as catalogued in bryc/code "PRNGs".
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
