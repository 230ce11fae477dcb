import { LearningError, LearningErrorCode } from '../errors.js';
import { midRanks, normalQuantile, normalSf, sortedMedian } from './internal/numeric.js';
import { checkOptions } from '../options.js';

/** Options of {@link compareSamples}. */
export interface CompareOptions {
  /** Confidence level of the shift interval; 1 − confidenceLevel is the test's significance level. @default 0.95 */
  readonly confidenceLevel?: number;
  /** Fewest observations per group before a verdict is attempted. @default 3 */
  readonly minSampleSize?: number;
}

/** The keys of {@link CompareOptions}, for checkOptions. */
const COMPARE_OPTION_KEYS = ['confidenceLevel', 'minSampleSize'] as const satisfies ReadonlyArray<keyof CompareOptions>;

/** Two-sample comparison of group `b` against group `a` (the reference). */
export interface Comparison {
  readonly nA: number;
  readonly nB: number;
  readonly medianA: number;
  readonly medianB: number;
  /** Hodges–Lehmann estimate of the location shift b − a (median of all pairwise differences). */
  readonly shift: number;
  /** Distribution-free confidence interval of the shift at `confidenceLevel` (Moses / Bauer). */
  readonly shiftInterval: [number, number];
  /** shift / |medianA| (NaN when medianA is 0). */
  readonly relativeShift: number;
  /** shiftInterval / |medianA|. */
  readonly relativeInterval: [number, number];
  /**
   * Two-sided Mann–Whitney U p-value: exact without ties for nA + nB ≤ 50; with ties, the exact conditional
   * (permutation) distribution of the midrank sum while that is cheap (any window of a few runs against its
   * baseline, or about 30 vs 30; see `exactTiesCost`); otherwise the
   * tie-corrected normal approximation with continuity correction.
   */
  readonly pValue: number;
  /** Mann–Whitney U statistic of b: #(b > a) + ½ #(b = a). */
  readonly u: number;
  /** Cliff's delta, P(b > a) − P(b < a), in [−1, 1]. */
  readonly effectSize: number;
  /** Probability of superiority P(b > a) + ½ P(b = a) = U / (nA·nB). */
  readonly probabilityOfSuperiority: number;
  readonly verdict: 'b-higher' | 'b-lower' | 'no-difference' | 'insufficient-data';
  /** One plain-language sentence. */
  readonly summary: string;
  readonly confidenceLevel: number;
}

const finiteSorted = (xs: readonly number[]): Float64Array => Float64Array.from(xs.filter((x) => Number.isFinite(x))).sort();

/** Number of pairs (i, j) with b[j] − a[i] ≤ d, both arrays sorted ascending; O(nA + nB). */
function countAtMost(a: Float64Array, b: Float64Array, d: number): number {
  let p = 0;
  let count = 0;
  for (let j = 0; j < b.length; j++) {
    const bj = b[j]!;
    while (p < a.length && bj - a[p]! > d) p++;
    count += a.length - p;
  }
  return count;
}

/** Smallest pairwise difference b[j] − a[i] strictly greater than `d` (Infinity if none); O(nA + nB). */
function smallestAbove(a: Float64Array, b: Float64Array, d: number): number {
  // For each b[j], the smallest difference above d uses the largest a[i] with b[j] − a[i] > d.
  let best = Number.POSITIVE_INFINITY;
  let p = 0; // first index with b[j] - a[p] <= d
  for (let j = 0; j < b.length; j++) {
    const bj = b[j]!;
    while (p < a.length && bj - a[p]! > d) p++;
    if (p > 0) {
      const diff = bj - a[p - 1]!;
      if (diff < best) best = diff;
    }
  }
  return best;
}

/**
 * k-th smallest (1-based) of the nA·nB pairwise differences b[j] − a[i], without materialising them:
 * bisection on the value with an O(nA + nB) counting pass, finished exactly on an actual difference.
 * Cost O((nA + nB) · log(range / ulp)), so Hodges–Lehmann scales to large samples.
 * @see G. N. Frederickson & D. B. Johnson, "The complexity of selection and ranking in X + Y" (1982), for the problem.
 */
export function kthPairwiseDifference(aSorted: Float64Array, bSorted: Float64Array, k: number): number {
  const nA = aSorted.length;
  const nB = bSorted.length;
  let lo = bSorted[0]! - aSorted[nA - 1]!; // the minimum difference
  if (k <= 1) return lo;
  let hi = bSorted[nB - 1]! - aSorted[0]!;
  if (k >= nA * nB) return hi;
  if (countAtMost(aSorted, bSorted, lo) >= k) return lo; // ties at the minimum difference
  // Invariant: count(≤ lo) < k ≤ count(≤ hi).
  for (let iter = 0; iter < 2000; iter++) {
    const next = smallestAbove(aSorted, bSorted, lo);
    if (countAtMost(aSorted, bSorted, next) >= k) return next;
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) {
      lo = next;
      continue;
    }
    if (countAtMost(aSorted, bSorted, mid) >= k) hi = mid;
    else lo = Math.max(mid, next);
  }
  return hi;
}

/**
 * Exact null distribution of the Mann–Whitney U statistic (no ties): counts of each U in 0..m·n,
 * the coefficients of the Gaussian binomial [m+n choose m]_q, divided by C(m+n, m).
 * Exact in doubles while C(m+n, m) < 2^53, i.e. m + n ≤ 50.
 * @see M. Hollander & D. A. Wolfe, Nonparametric Statistical Methods, 2nd ed. (1999), §4.1.
 */
export function mannWhitneyExactDistribution(m: number, n: number): Float64Array {
  const size = m * n + 1;
  const c = new Float64Array(size);
  c[0] = 1;
  // Multiply by ∏ (1 − q^{n+i}) / (1 − q^i), i = 1..m: each step keeps integer coefficients.
  for (let i = 1; i <= m; i++) {
    const s = n + i;
    for (let k = size - 1; k >= s; k--) c[k] = c[k]! - c[k - s]!;
    for (let k = i; k < size; k++) c[k] = c[k]! + c[k - i]!;
  }
  let total = 0;
  for (let k = 0; k < size; k++) total += c[k]!;
  for (let k = 0; k < size; k++) c[k] = c[k]! / total;
  return c;
}

const EXACT_LIMIT = 50;

/**
 * Exact conditional null distribution of the rank sum of a group of size m drawn from `sortedCombined` (ties
 * included): every subset of m of the n values is equally likely, and ranks are midranks. Returned on the
 * doubled-rank scale (2 · midrank is an integer) as probabilities of each doubled sum 0..2mn. Dynamic programming
 * over the distinct values: choosing t of a value's c copies can be done C(c, t) ways and adds t · its doubled
 * midrank. Time: see {@link exactTiesCost}.
 * @see B. Streitberg & J. Röhmel, "Exact distributions for permutation and rank tests", Statistical Software
 * Newsletter 12 (1986); M. Hollander & D. A. Wolfe, Nonparametric Statistical Methods, 2nd ed. (1999), §4.1, comment 8.
 */
export function rankSumExactDistributionWithTies(sortedCombined: Float64Array, m: number): Float64Array {
  const n = sortedCombined.length;
  const width = 2 * m * n + 1;
  // ways[k * width + s]: weighted number of ways to pick k of the values seen so far with doubled rank sum s.
  let ways = new Float64Array((m + 1) * width);
  let next = new Float64Array((m + 1) * width);
  ways[0] = 1;
  let seen = 0; // values in the groups processed so far
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && sortedCombined[j] === sortedCombined[i]) j++;
    const c = j - i;
    const r2 = 2 * seen + c + 1; // doubled midrank of this group: (seen + 1) + (seen + c)
    next.fill(0);
    for (let k = 0; k <= Math.min(m, seen); k++) {
      // Picking k of the first `seen` values gives a doubled sum between k(k + 1) and k(2·seen − k + 1).
      const hi = k * (2 * seen - k + 1);
      for (let sum = k * (k + 1); sum <= hi; sum++) {
        const w = ways[k * width + sum]!;
        if (w === 0) continue;
        let choose = 1; // C(c, t), built up as t grows
        for (let t = 0; t <= c && k + t <= m; t++) {
          if (t > 0) choose = (choose * (c - t + 1)) / t;
          next[(k + t) * width + sum + t * r2]! += w * choose;
        }
      }
    }
    [ways, next] = [next, ways];
    seen += c;
    i = j;
  }
  const out = ways.slice(m * width, (m + 1) * width);
  let total = 0;
  for (const w of out) total += w;
  for (let sum = 0; sum < width; sum++) out[sum] = out[sum]! / total;
  return out;
}

/**
 * Work of {@link rankSumExactDistributionWithTies}: (m + 1) × doubled sums × Σ over distinct values of the
 * copies that can be picked (min(c, m) + 1).
 */
function exactTiesCost(sortedCombined: Float64Array, m: number): number {
  let picks = 0;
  for (let i = 0; i < sortedCombined.length; ) {
    let j = i;
    while (j < sortedCombined.length && sortedCombined[j] === sortedCombined[i]) j++;
    picks += Math.min(j - i, m) + 1;
    i = j;
  }
  return (m + 1) * (2 * m * sortedCombined.length + 1) * picks;
}

/**
 * Largest {@link exactTiesCost} for which the tied exact distribution is computed: some tens of milliseconds at
 * most. It covers every regression window (3 or 5 runs against up to a few hundred) and two-sample comparisons
 * of about 30 vs 30; beyond, the normal approximation is good.
 */
const EXACT_TIES_BUDGET = 16_000_000;

/**
 * Compares two samples without assuming normality: the Hodges–Lehmann shift of b relative to a with its
 * distribution-free confidence interval, the Mann–Whitney U test, Cliff's delta, and a plain-language verdict.
 * Non-finite values are ignored.
 *
 * @param a - The reference group (e.g. `main`).
 * @param b - The group compared with it (e.g. `feature`).
 * @throws {LearningError} INVALID_ARGUMENT when `confidenceLevel` is not in (0, 1) or `minSampleSize` < 1.
 * @example
 * const c = compareSamples([10.1, 10.3, 9.9, 10.0], [11.0, 11.4, 10.9, 11.2]);
 * c.verdict; // 'b-higher' (shift ≈ 1.1)
 * @see J. L. Hodges & E. L. Lehmann, "Estimates of location based on rank tests", Ann. Math. Statist. 34 (1963).
 * @see H. B. Mann & D. R. Whitney, Ann. Math. Statist. 18 (1947); tie correction and interval: Hollander & Wolfe (1999) §4.1–4.3.
 * @see N. Cliff, "Dominance statistics", Psychological Bulletin 114 (1993).
 */
export function compareSamples(a: readonly number[], b: readonly number[], optionsInput: CompareOptions | null = {}): Comparison {
  // null means no options; a misspelt key is refused instead of silently falling back to its default.
  const options: CompareOptions = checkOptions('compareSamples', optionsInput, COMPARE_OPTION_KEYS);
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  const minSampleSize = options.minSampleSize ?? 3;
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `compareSamples: confidenceLevel must be in (0, 1), got ${confidenceLevel}`);
  }
  if (!(Number.isInteger(minSampleSize) && minSampleSize >= 1)) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `compareSamples: minSampleSize must be an integer ≥ 1, got ${minSampleSize}`);
  }
  const as = finiteSorted(a);
  const bs = finiteSorted(b);
  const nA = as.length;
  const nB = bs.length;
  const medianA = sortedMedian(as);
  const medianB = sortedMedian(bs);
  if (nA < minSampleSize || nB < minSampleSize) {
    return {
      nA,
      nB,
      medianA,
      medianB,
      shift: Number.NaN,
      shiftInterval: [Number.NaN, Number.NaN],
      relativeShift: Number.NaN,
      relativeInterval: [Number.NaN, Number.NaN],
      pValue: 1,
      u: Number.NaN,
      effectSize: Number.NaN,
      probabilityOfSuperiority: Number.NaN,
      verdict: 'insufficient-data',
      summary: `Not enough data to compare: ${nA} and ${nB} values, need at least ${minSampleSize} in each group.`,
      confidenceLevel,
    };
  }
  const N = nA * nB;
  const n = nA + nB;
  const combined = new Float64Array(n);
  combined.set(as, 0);
  combined.set(bs, nA);
  const { ranks, tieTerm } = midRanks(combined);
  let rankSumB = 0;
  for (let j = nA; j < n; j++) rankSumB += ranks[j]!;
  const u = rankSumB - (nB * (nB + 1)) / 2;
  const alpha = 1 - confidenceLevel;

  let pValue: number;
  let kLow: number; // 1-based rank of the lower interval limit among the N ordered differences
  if (tieTerm === 0 && n <= EXACT_LIMIT) {
    const dist = mannWhitneyExactDistribution(nA, nB);
    const ui = Math.round(u);
    let lower = 0;
    for (let k = 0; k <= ui; k++) lower += dist[k]!;
    let upper = 0;
    for (let k = ui; k <= N; k++) upper += dist[k]!;
    pValue = Math.min(1, 2 * Math.min(lower, upper));
    // Largest k with P(U ≤ k − 1) ≤ α/2 gives [d_(k), d_(N+1−k)] coverage ≥ 1 − α.
    let cum = 0;
    kLow = 1;
    for (let k = 0; k < N; k++) {
      cum += dist[k]!;
      if (cum > alpha / 2) break;
      kLow = k + 1;
    }
    kLow = Math.min(kLow, Math.floor((N + 1) / 2));
  } else {
    const sorted = tieTerm > 0 ? Float64Array.from(combined).sort() : combined;
    const small = Math.min(nA, nB);
    if (tieTerm > 0 && exactTiesCost(sorted, small) <= EXACT_TIES_BUDGET) {
      // Ties (discrete metrics: counts, whole seconds): the normal approximation is poor for a window of 3–5 runs
      // against a baseline of mostly one value, and anti-conservative — a stable 0/1 count failed the regression
      // test about once in 120 runs. The exact conditional distribution of B's rank sum has no such error.
      // The distribution of the smaller group's sum is the cheaper one; A's doubled sum is n(n + 1) − B's.
      const dist = rankSumExactDistributionWithTies(sorted, small);
      const t = Math.round(small === nB ? 2 * rankSumB : n * (n + 1) - 2 * rankSumB);
      let lower = 0;
      let upper = 0;
      for (let sIdx = 0; sIdx < dist.length; sIdx++) {
        if (sIdx <= t) lower += dist[sIdx]!;
        if (sIdx >= t) upper += dist[sIdx]!;
      }
      pValue = Math.min(1, 2 * Math.min(lower, upper));
    } else {
      const sd = Math.sqrt(((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
      const dev = Math.abs(u - N / 2);
      pValue = sd > 0 ? Math.min(1, 2 * normalSf(Math.max(0, dev - 0.5) / sd)) : 1;
    }
    // The interval's order statistic from the normal approximation (ties make the exact one conservative anyway).
    const z = normalQuantile(1 - alpha / 2);
    kLow = Math.max(1, Math.min(Math.floor((N + 1) / 2), Math.round(N / 2 - z * Math.sqrt((N * (n + 1)) / 12))));
  }

  const shift =
    N % 2 === 1
      ? kthPairwiseDifference(as, bs, (N + 1) / 2)
      : (kthPairwiseDifference(as, bs, N / 2) + kthPairwiseDifference(as, bs, N / 2 + 1)) / 2;
  const shiftInterval: [number, number] = [kthPairwiseDifference(as, bs, kLow), kthPairwiseDifference(as, bs, N + 1 - kLow)];
  const scale = Math.abs(medianA);
  const relativeShift = scale > 0 ? shift / scale : Number.NaN;
  const relativeInterval: [number, number] = scale > 0 ? [shiftInterval[0] / scale, shiftInterval[1] / scale] : [Number.NaN, Number.NaN];
  const probabilityOfSuperiority = u / N;
  const effectSize = 2 * probabilityOfSuperiority - 1;
  const significant = pValue < alpha;
  const verdict: Comparison['verdict'] = !significant ? 'no-difference' : u > N / 2 ? 'b-higher' : 'b-lower';
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const rel = Number.isFinite(relativeShift) ? ` (${relativeShift >= 0 ? '+' : ''}${pct(relativeShift)})` : '';
  const level = `${Math.round(confidenceLevel * 1000) / 10}%`;
  const fmt = (x: number): string => Number(x.toPrecision(4)).toString();
  const summary =
    verdict === 'no-difference'
      ? `No significant difference: B differs from A by ${fmt(shift)}${rel}, ${level} interval [${fmt(shiftInterval[0])}, ${fmt(shiftInterval[1])}] (p = ${pValue.toPrecision(2)}, n = ${nA} vs ${nB}).`
      : `B is ${verdict === 'b-higher' ? 'higher' : 'lower'} than A by ${fmt(Math.abs(shift))}${rel}, ${level} interval [${fmt(shiftInterval[0])}, ${fmt(shiftInterval[1])}] (p = ${pValue.toPrecision(2)}, n = ${nA} vs ${nB}); a value from B exceeds one from A ${pct(probabilityOfSuperiority)} of the time.`;
  return {
    nA,
    nB,
    medianA,
    medianB,
    shift,
    shiftInterval,
    relativeShift,
    relativeInterval,
    pValue,
    u,
    effectSize,
    probabilityOfSuperiority,
    verdict,
    summary,
    confidenceLevel,
  };
}
