import { LearningError } from '../errors.js';

// Descriptive statistics on arrays of finite numbers. Every function accepts a plain array or a
// typed array, never mutates its input, and throws INVALID_ARGUMENT (naming the function and the
// offending index) on an empty input or a non-finite value: silently propagating NaN would turn
// into a wrong trend much later, far from the bad record.

/** Read-only array of numbers: `number[]`, `Float64Array`, ... */
export type NumericArray = ArrayLike<number>;

/**
 * Throws unless `values` is non-empty and every entry is a finite number.
 * @throws {LearningError} INVALID_ARGUMENT naming `fn` and the first bad index.
 */
export function assertFiniteValues(values: NumericArray, fn: string, minLength = 1): void {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number')
    throw new LearningError('INVALID_ARGUMENT', `${fn}: values must be an array of numbers`);
  if (values.length < minLength)
    throw new LearningError('INVALID_ARGUMENT', `${fn}: needs at least ${minLength} value${minLength === 1 ? '' : 's'}, got ${values.length}`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new LearningError('INVALID_ARGUMENT', `${fn}: values[${i}] must be a finite number, got ${String(v)}; drop missing values first`);
  }
}

/**
 * Sum with Neumaier's compensated summation, so that large and small values mix without losing the
 * small ones (plain summation of [1e16, 1, -1e16] gives 0, this gives 1).
 * @throws {LearningError} INVALID_ARGUMENT on an empty array or a non-finite value.
 * @example sum([0.1, 0.2, 0.3]) // 0.6
 * @see A. Neumaier, "Rundungsfehleranalyse einiger Verfahren zur Summation endlicher Summen",
 * ZAMM 54 (1974) 39–51.
 */
export function sum(values: NumericArray): number {
  assertFiniteValues(values, 'sum');
  return neumaierSum(values);
}

/** Neumaier summation without validation (internal fast path). */
export function neumaierSum(values: NumericArray): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

/**
 * Arithmetic mean.
 * @throws {LearningError} INVALID_ARGUMENT on an empty array or a non-finite value.
 * @example mean([1, 2, 3, 4]) // 2.5
 * @see {@link sum} (compensated).
 */
export function mean(values: NumericArray): number {
  assertFiniteValues(values, 'mean');
  return meanUnchecked(values);
}

/** Mean without validation; exact for a constant array. */
function meanUnchecked(values: NumericArray): number {
  const m = neumaierSum(values) / values.length;
  // Guard against overflow of the sum for values near ±Number.MAX_VALUE.
  if (Number.isFinite(m)) return m;
  let acc = 0;
  for (let i = 0; i < values.length; i++) acc += values[i]! / values.length;
  return acc;
}

/**
 * Sample variance (denominator n − 1), by the corrected two-pass algorithm.
 * @returns NaN for a single value (the sample variance is undefined, as R's `var(5)` is NA).
 * @throws {LearningError} INVALID_ARGUMENT on an empty array or a non-finite value.
 * @example variance([2, 4, 4, 4, 5, 5, 7, 9]) // 4.571428571428571
 * @see T. F. Chan, G. H. Golub & R. J. LeVeque, "Algorithms for computing the sample variance",
 * The American Statistician 37 (1983) 242–247, eq. 1.7 (two-pass with correction term).
 */
export function variance(values: NumericArray): number {
  assertFiniteValues(values, 'variance');
  return varianceUnchecked(values);
}

/** Variance without validation (internal fast path). */
export function varianceUnchecked(values: NumericArray, knownMean?: number): number {
  const n = values.length;
  if (n < 2) return NaN;
  const v = twoPassVariance(values, knownMean ?? meanUnchecked(values), 1);
  if (Number.isFinite(v)) return v;
  // The squares overflowed (|deviations| above ~1e154): Infinity - Infinity made NaN. Scaled, the variance is
  // exact again and overflows to Infinity only when it is itself beyond Number.MAX_VALUE.
  const { scale, v: scaled } = scaledVariance(values);
  return scaled * scale * scale;
}

/**
 * Standard deviation without validation: √variance, computed on scaled values when the squares overflow, so it
 * is finite whenever it is representable (stdDev([1e200, 3e200]) is 1.41e200, not Infinity).
 */
export function stdDevUnchecked(values: NumericArray, knownMean?: number): number {
  const v = varianceUnchecked(values, knownMean);
  if (Number.isFinite(v) || values.length < 2) return Math.sqrt(v);
  const { scale, v: scaled } = scaledVariance(values);
  return Math.sqrt(scaled) * scale;
}

/** Corrected two-pass sum of squares around `m` of values divided by `divisor`, over n − 1. */
function twoPassVariance(values: NumericArray, m: number, divisor: number): number {
  const n = values.length;
  let ss = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! / divisor - m;
    ss += d * d;
    comp += d;
  }
  return Math.max(0, (ss - (comp * comp) / n) / (n - 1));
}

/** The variance of values / scale (scale a power of two, so the division is exact), with that scale. */
function scaledVariance(values: NumericArray): { scale: number; v: number } {
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
  // log2(Number.MAX_VALUE) rounds to 1024, and 2 ** 1024 is Infinity: cap the exponent.
  const scale = 2 ** Math.min(1023, Math.floor(Math.log2(maxAbs)));
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! / scale;
  return { scale, v: twoPassVariance(values, s / values.length, scale) };
}

/** a + t·(b − a) for t in [0, 1], without overflow when b − a exceeds Number.MAX_VALUE. */
export function interpolate(a: number, b: number, t: number): number {
  const d = b - a;
  return Number.isFinite(d) ? a + t * d : a * (1 - t) + b * t;
}

/**
 * Sample standard deviation (square root of {@link variance}, denominator n − 1).
 * @returns NaN for a single value.
 * @throws {LearningError} INVALID_ARGUMENT on an empty array or a non-finite value.
 * @example stdDev([2, 4, 4, 4, 5, 5, 7, 9]) // 2.138089935299395
 * @see {@link variance}
 */
export function stdDev(values: NumericArray): number {
  assertFiniteValues(values, 'stdDev');
  return stdDevUnchecked(values);
}

/**
 * Smallest value.
 * @throws {LearningError} INVALID_ARGUMENT on an empty array or a non-finite value.
 * @example min([3, 1, 2]) // 1
 */
export function min(values: NumericArray): number {
  assertFiniteValues(values, 'min');
  let m = Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! < m) m = values[i]!;
  return m;
}

/**
 * Largest value.
 * @throws {LearningError} INVALID_ARGUMENT on an empty array or a non-finite value.
 * @example max([3, 1, 2]) // 3
 */
export function max(values: NumericArray): number {
  assertFiniteValues(values, 'max');
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! > m) m = values[i]!;
  return m;
}

/** A sorted Float64Array copy (typed-array sort is numeric and much faster than Array#sort). */
export function sortedCopy(values: NumericArray): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Quantile of already ascending-sorted values, R's default definition (type 7, also numpy's
 * `linear`): h = (n − 1)·p, linear interpolation between the values at ⌊h⌋ and ⌈h⌉.
 * The caller guarantees the order; this is O(1).
 * @throws {LearningError} INVALID_ARGUMENT when `sorted` is empty or p is not in [0, 1].
 * @example quantileSorted([1, 2, 3, 4], 0.25) // 1.75
 * @see R. J. Hyndman & Y. Fan, "Sample quantiles in statistical packages", The American
 * Statistician 50 (1996) 361–365, definition 7.
 */
export function quantileSorted(sorted: NumericArray, p: number): number {
  if (sorted.length === 0) throw new LearningError('INVALID_ARGUMENT', 'quantileSorted: needs at least 1 value, got 0');
  if (!(p >= 0 && p <= 1)) throw new LearningError('INVALID_ARGUMENT', `quantile: p must be in [0, 1], got ${String(p)}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  if (lo === h) return a;
  const b = sorted[lo + 1]!;
  return interpolate(a, b, h - lo);
}

/**
 * Quantile (R type 7, the default of R's `quantile` and numpy's `percentile`).
 * O(n log n): sorts a copy.
 * @throws {LearningError} INVALID_ARGUMENT on an empty array, a non-finite value or p outside [0, 1].
 * @example quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) // 9.1
 * @see {@link quantileSorted}
 */
export function quantile(values: NumericArray, p: number): number {
  assertFiniteValues(values, 'quantile');
  return quantileSorted(sortedCopy(values), p);
}

/**
 * Median: the middle value, or the mean of the two middle values for an even count.
 * O(n) expected (selection, not a full sort).
 * @throws {LearningError} INVALID_ARGUMENT on an empty array or a non-finite value.
 * @example median([5, 1, 4, 2]) // 3
 * @see C. A. R. Hoare, "Algorithm 65: Find", CACM 4 (1961) 321–322 (selection).
 */
export function median(values: NumericArray): number {
  assertFiniteValues(values, 'median');
  return medianInPlace(Float64Array.from(values));
}

/** Median of a scratch array that may be reordered (internal). */
export function medianInPlace(a: Float64Array): number {
  const n = a.length;
  const hi = n >> 1;
  const upper = selectInPlace(a, hi);
  if (n % 2 === 1) return upper;
  // After selection every element left of `hi` is <= a[hi]: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < hi; i++) if (a[i]! > lower) lower = a[i]!;
  return interpolate(lower, upper, 0.5);
}

/**
 * Reorders `a` so that a[k] is the value a full sort would put there, everything before it is
 * <= a[k] and everything after is >= a[k]; returns a[k]. Quickselect with a median-of-three pivot,
 * falling back to a full sort after 2·log₂n unproductive rounds, so the worst case stays
 * O(n log n) (introselect).
 * @see D. R. Musser, "Introspective sorting and selection algorithms", Software: Practice and
 * Experience 27 (1997) 983–993.
 */
export function selectInPlace(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 4;
  while (hi > lo) {
    if (budget-- <= 0 || hi - lo < 16) {
      const part = a.subarray(lo, hi + 1).sort();
      return part[k - lo]!;
    }
    const mid = lo + ((hi - lo) >> 1);
    // Median of three as pivot, then Hoare-style partition around its value.
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] <= pivot, a[i..hi] >= pivot, and a[j+1..i-1] == pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
