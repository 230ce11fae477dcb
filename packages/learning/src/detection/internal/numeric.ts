import { normalTwoSidedP, studentTTwoSidedP } from '../../stats/distributions.js';

/**
 * Small numeric helpers private to the detection module (missing-value compaction, sorted-array medians,
 * mid-ranks, a seeded PRNG); probability distributions come from the package's stats module.
 */

/** Finite values of `values` with their original indices (null, undefined, NaN and ±Infinity dropped). */
export interface Compacted {
  readonly values: Float64Array;
  readonly indices: Int32Array;
}

/** Drops missing values, remembering where each kept value sat in the original series. */
export function compact(values: ReadonlyArray<number | null | undefined>): Compacted {
  const v: number[] = [];
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x === 'number' && Number.isFinite(x)) {
      v.push(x);
      idx.push(i);
    }
  }
  return { values: Float64Array.from(v), indices: Int32Array.from(idx) };
}

/**
 * (a + b) / 2 for finite a and b without overflow: the plain formula (bit-for-bit as before) unless the sum
 * overflows, as for −1e308 and 1.79e308, where halving first gives the representable answer.
 */
export function midpoint(a: number, b: number): number {
  const m = (a + b) / 2;
  return Number.isFinite(m) || !Number.isFinite(a) || !Number.isFinite(b) ? m : a / 2 + b / 2;
}

/** Median of a sorted array (average of the two middle values for even length); NaN when empty. */
export function sortedMedian(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : midpoint(sorted[h - 1]!, sorted[h]!);
}

/** Median of any array (copies and sorts). */
export function median(values: ArrayLike<number>): number {
  return sortedMedian(Float64Array.from(values).sort());
}

/** Linear-interpolation quantile (R type 7) of a sorted array. */
export function sortedQuantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Raw median absolute deviation from `center` (no 1.4826 consistency factor). */
export function mad(values: ArrayLike<number>, center: number): number {
  const d = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) d[i] = Math.abs(values[i]! - center);
  return sortedMedian(d.sort());
}

/** Consistency factor that makes MAD estimate σ under normality: 1 / Φ⁻¹(3/4). */
export const MAD_TO_SIGMA = 1.482602218505602;

/** Arithmetic mean; NaN when empty. */
export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length === 0 ? Number.NaN : s / values.length;
}

/** Sample variance (n − 1 denominator) by two passes; NaN below two values. */
export function variance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < n; i++) s += (values[i]! - m) ** 2;
  return s / (n - 1);
}

export { normalCdf, normalQuantile, normalSf } from '../../stats/distributions.js';

/** Two-sided normal p-value of a z statistic. */
export const twoSidedP = (z: number): number => normalTwoSidedP(z);

export { mulberry32 } from '../../stats/internal/random.js';

/** Standard normal deviate from a uniform source (Box–Muller, one value per call). */
export function gaussian(rand: () => number): number {
  let u = rand();
  while (u <= Number.MIN_VALUE) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * Mid-ranks (1-based, ties get the average rank) of `values`, plus the tie correction term
 * Σ(t³ − t) over tie groups used by rank tests.
 */
export function midRanks(values: ArrayLike<number>): { ranks: Float64Array; tieTerm: number } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]!] === values[order[i]!]) j++;
    const r = (i + j + 1) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = r;
    const t = j - i;
    if (t > 1) tieTerm += t * t * t - t;
    i = j;
  }
  return { ranks, tieTerm };
}

/** Clamps to [lo, hi]. */
export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export const studentTwoSidedP = (t: number, df: number): number => studentTTwoSidedP(t, df);
