// Shared, seeded workloads for the benchmarks, so every peer sees the same operation stream.

/** mulberry32: a tiny seeded PRNG (uniform in [0, 1)). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Zipf(s) key ids over [0, keySpace): inverse CDF by binary search, ranks shuffled to ids so the hot keys
 * are scattered (the cache cannot benefit from hot keys being small integers).
 */
export function zipfStream(keySpace: number, s: number, length: number, seed: number): Int32Array {
  const cdf = new Float64Array(keySpace);
  let sum = 0;
  for (let k = 0; k < keySpace; k++) cdf[k] = sum += 1 / (k + 1) ** s;
  for (let k = 0; k < keySpace; k++) cdf[k]! /= sum;
  const random = rng(seed);
  const ids = new Int32Array(keySpace);
  for (let i = 0; i < keySpace; i++) ids[i] = i;
  for (let i = keySpace - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = ids[i]!;
    ids[i] = ids[j]!;
    ids[j] = t;
  }
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const u = random();
    let lo = 0;
    let hi = keySpace - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    out[i] = ids[lo]!;
  }
  return out;
}

/** Seeded lognormal samples (Box–Muller), e.g. latencies with median e^mu seconds. */
export function lognormal(length: number, mu: number, sigma: number, seed: number): Float64Array {
  const random = rng(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 2) {
    const u1 = random() || Number.MIN_VALUE;
    const u2 = random();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = Math.exp(mu + sigma * r * Math.cos(2 * Math.PI * u2));
    if (i + 1 < length) out[i + 1] = Math.exp(mu + sigma * r * Math.sin(2 * Math.PI * u2));
  }
  return out;
}
