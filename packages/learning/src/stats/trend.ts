import { LearningError } from '../errors.js';
import { checkOptions } from '../options.js';
import { assertFiniteValues, medianInPlace, selectInPlace, type NumericArray } from './descriptive.js';
import { normalQuantile, normalTwoSidedP } from './distributions.js';
import { mulberry32 } from './internal/random.js';
import { sortCountInversions, sortCountInversionsKeys, tieSums, type InversionVisitor } from './internal/merge-count.js';

/** Result of {@link mannKendall}. */
export interface MannKendallResult {
  /** Number of observations. */
  n: number;
  /** Kendall's S: (# increasing pairs) − (# decreasing pairs) over all pairs i < j. */
  s: number;
  /** Variance of S under H₀ (no trend), corrected for ties. */
  varS: number;
  /** Normal score with continuity correction: (S − sign S) / √varS (0 when S = 0). */
  z: number;
  /** Two-sided p-value (exact for small untied samples, normal approximation otherwise; see `method`). */
  pValue: number;
  /**
   * Kendall's τ_b between time and value, S / √(N₀·(N₀ − T)) with N₀ = n(n−1)/2 and T the tied
   * pairs of values; equals `scipy.stats.kendalltau(range(n), values).statistic`. Without ties it
   * equals S / N₀ (pymannkendall's `Tau`).
   */
  tau: number;
  /** +1 increasing, −1 decreasing when `pValue < alpha`; 0 otherwise. Never decided by S's sign alone. */
  trend: -1 | 0 | 1;
  /** `'exact'` (permutation distribution of S) or `'normal'` (normal approximation). */
  method: 'exact' | 'normal';
}

/** Options of {@link mannKendall}. */
export interface MannKendallOptions {
  /**
   * Significance level of the two-sided test that decides `trend`.
   * @default 0.05
   */
  alpha?: number;
  /**
   * `true`: exact permutation distribution (no ties, n ≤ 60); `false`: normal approximation with
   * tie and continuity corrections (pymannkendall's `original_test`, R's `Kendall::MannKendall`);
   * `'auto'`: exact when there are no ties and n ≤ 10, where the normal approximation is poor.
   * @default 'auto'
   */
  exact?: boolean | 'auto';
}

const EXACT_AUTO_MAX_N = 10;
const EXACT_MAX_N = 60;

/** Two-sided exact p of S without ties: permutations of n by inversion count (Mahonian numbers). */
function exactKendallP(n: number, s: number): number {
  // f[k] = # permutations of (current length) with k inversions; D = (N0 − S)/2.
  const n0 = (n * (n - 1)) / 2;
  let f = [1];
  for (let m = 2; m <= n; m++) {
    const maxK = (m * (m - 1)) / 2;
    const g = new Array<number>(maxK + 1).fill(0);
    // g[k] = Σ_{j=0}^{m-1} f[k−j], by a sliding window.
    let window = 0;
    for (let k = 0; k <= maxK; k++) {
      window += f[k] ?? 0;
      if (k - m >= 0) window -= f[k - m] ?? 0;
      g[k] = window;
    }
    f = g;
  }
  let total = 0;
  for (const c of f) total += c;
  // P(S >= |s|) = P(D <= (N0 − |s|)/2).
  const dMax = Math.floor((n0 - Math.abs(s)) / 2);
  let tail = 0;
  for (let d = 0; d <= dMax; d++) tail += f[d]!;
  return Math.min(1, (2 * tail) / total);
}

/**
 * Mann–Kendall test for a monotonic trend in a series ordered in time (oldest first), with the
 * variance corrected for ties and a continuity correction on z. S is computed in O(n log n) by
 * counting inversions with a merge sort (Knight 1966), so a million points cost about as much as
 * sorting them; small untied samples use the exact permutation distribution of S (Kendall 1975).
 * @returns `trend` +1/−1 only when the two-sided p-value is below `alpha`; series shorter than 3,
 * or with all values tied, have p = 1 and trend 0.
 * @throws {LearningError} INVALID_ARGUMENT on a non-finite value or an option out of range.
 * @example
 * mannKendall([1, 3, 2, 5, 4, 6, 8, 7, 9, 10]).trend // 1
 * @see H. B. Mann, "Nonparametric tests against trend", Econometrica 13 (1945) 245–259;
 * M. G. Kendall, Rank Correlation Methods, 4th ed. (1975), ch. 4 (ties) and the exact
 * distribution; R. O. Gilbert, Statistical Methods for Environmental Pollution Monitoring (1987),
 * §16.4 (the z with continuity correction); W. R. Knight, JASA 61 (1966) 436–439 (O(n log n) S).
 */
export function mannKendall(values: NumericArray, optionsInput: MannKendallOptions = {}): MannKendallResult {
  // null options were a TypeError, a misspelt key silently the default.
  const options = checkOptions<MannKendallOptions>('mannKendall', optionsInput, ['alpha', 'exact']);
  assertFiniteValues(values, 'mannKendall', 0);
  const { alpha = 0.05, exact = 'auto' } = options;
  if (!(alpha > 0 && alpha < 1)) throw new LearningError('INVALID_ARGUMENT', `mannKendall: alpha must be in (0, 1), got ${String(alpha)}`);
  const n = values.length;
  const n0 = (n * (n - 1)) / 2;
  const keys = Float64Array.from(values);
  const discordant = n < 2 ? 0 : sortCountInversionsKeys(keys, new Float64Array(n));
  const ties = tieSums(keys);
  const s = n0 - ties.pairs - 2 * discordant;
  const varS = (n * (n - 1) * (2 * n + 5) - ties.varianceTerm) / 18;
  const denom = Math.sqrt(n0 * (n0 - ties.pairs));
  const tau = denom > 0 ? s / denom : 0;
  const z = varS > 0 && s !== 0 ? (s - Math.sign(s)) / Math.sqrt(varS) : 0;
  if (exact === true && (ties.pairs > 0 || n > EXACT_MAX_N))
    throw new LearningError('INVALID_ARGUMENT', `mannKendall: the exact test needs untied values and n <= ${EXACT_MAX_N}; use exact: 'auto'`);
  const useExact = n >= 2 && ties.pairs === 0 && (exact === true || (exact === 'auto' && n <= EXACT_AUTO_MAX_N));
  let pValue: number;
  if (n < 3 || varS <= 0) pValue = 1;
  else if (useExact) pValue = exactKendallP(n, s);
  else pValue = normalTwoSidedP(z);
  const trend: -1 | 0 | 1 = pValue < alpha ? (s > 0 ? 1 : s < 0 ? -1 : 0) : 0;
  return { n, s, varS, z, pValue, tau, trend, method: useExact && n >= 3 ? 'exact' : 'normal' };
}

/** Options of {@link theilSen}. */
export interface TheilSenOptions {
  /**
   * The x coordinate of each value. Pairs with equal x have no slope and are skipped.
   * @default 0, 1, 2, ... (slope per observation)
   */
  x?: NumericArray;
  /**
   * Up to this many pairs, every slope is computed (O(n²) time, exact). Above, slopes are
   * selected by the randomized O(n log n) algorithm.
   * @default 2_000_000 (about 2,000 points)
   */
  exactMaxPairs?: number;
  /**
   * Above `exactMaxPairs`, estimate the slope from this many random pairs instead of selecting it
   * exactly (`method: 'sampled'`): O(sampleSize) instead of a few merge sorts of the whole series.
   * The returned slope's rank among all N slopes is off the median rank by about N/(2√sampleSize)
   * (one standard deviation; ±0.025% of the ranks for 4,000,000 pairs). For comparison, the half
   * width of Sen's 95% confidence interval is about 0.65·N/√n ranks (±0.065% at a million points),
   * so the sampling adds well under half the estimator's own uncertainty there.
   * @default undefined (exact selection)
   */
  sampleSize?: number;
  /**
   * Seed of the randomized algorithms. The exact selection's result does not depend on it (only
   * its running time does); a sampled estimate does, slightly, and is reproducible for a seed.
   * @default 0x5eed
   */
  seed?: number;
  /**
   * When set (e.g. 0.95), also return the confidence interval of the slope (Sen 1968, eq. 2.6;
   * the same ranks as `scipy.stats.theilslopes(y, x, alpha)`).
   */
  confidenceLevel?: number;
}

/** Result of {@link theilSen}. */
export interface TheilSenResult {
  /** Median of the pairwise slopes (yⱼ − yᵢ)/(xⱼ − xᵢ); NaN when no pair has distinct x. */
  slope: number;
  /** median(y) − slope · median(x), as `scipy.stats.theilslopes(method='separate')` and mblm. */
  intercept: number;
  /** Number of pairs with distinct x. */
  pairs: number;
  /**
   * `'exact'` when every slope was computed, `'selection'` when the exact order statistics were
   * found by randomized selection, `'sampled'` when estimated from `sampleSize` random pairs.
   */
  method: 'exact' | 'selection' | 'sampled';
  /** Lower end of the slope's confidence interval, when `confidenceLevel` was given. */
  lowSlope?: number;
  /** Upper end of the slope's confidence interval, when `confidenceLevel` was given. */
  highSlope?: number;
}

const roundHalfEven = (v: number): number => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * Theil–Sen estimator: the median of the slopes of all pairs of points, a robust slope that
 * tolerates up to 29% outliers. Below `exactMaxPairs` pairs all slopes are computed; above, the
 * median slope is found by randomized slope selection in O(n log n) expected time (below), so a
 * series of a million points costs a few merge sorts instead of 5·10¹¹ slopes.
 *
 * Selection: keep an interval [lo, hi) known to contain the wanted slope ranks. The number of
 * slopes below t equals the number of inversions of yᵢ − t·xᵢ taken in x order, counted by a merge
 * sort; a second merge sort (in the order of y − lo·x, keyed by y − hi·x) visits exactly the pairs
 * with slope in [lo, hi), from which a uniform Bernoulli sample is drawn. Sample order statistics
 * around the wanted rank (±3σ) narrow the interval by a factor ~√m per round, until the remaining
 * pairs are few enough to enumerate and select exactly. Results equal the exact definition up to
 * rounding in comparing slopes (t·x vs. y differences); the seed only changes the running time.
 * @throws {LearningError} INVALID_ARGUMENT on non-finite values, mismatched x, or bad options.
 * @example
 * theilSen([1, 2, 3, 4, 100]).slope // 1 (the outlier does not move it)
 * @see H. Theil, "A rank-invariant method of linear and polynomial regression analysis",
 * Indagationes Mathematicae 12 (1950); P. K. Sen, "Estimates of the regression coefficient based
 * on Kendall's tau", JASA 63 (1968) 1379–1389; J. Matoušek, "Randomized optimal algorithm for
 * slope selection", Information Processing Letters 39 (1991) 183–187; M. B. Dillencourt,
 * D. M. Mount & N. S. Netanyahu, "A randomized algorithm for slope selection", IJCGA 2 (1992) 1–27.
 * Limit: when two pairs' slopes differ only by rounding (an ulp or two; always so when pairwise
 * differences are subnormal, |dy| below ~1e-290), selection (ordering by t·dx vs dy) and enumeration
 * (ordering the rounded quotients) may rank them differently and return neighbouring values a few ulps
 * apart. Integer-valued series are exact.
 */
export function theilSen(values: NumericArray, optionsInput: TheilSenOptions = {}): TheilSenResult {
  // null options were a TypeError, a misspelt key (sample_size) silently the default.
  const options = checkOptions<TheilSenOptions>('theilSen', optionsInput, ['x', 'exactMaxPairs', 'sampleSize', 'seed', 'confidenceLevel']);
  assertFiniteValues(values, 'theilSen', 0);
  const n = values.length;
  const { exactMaxPairs = 2_000_000, seed = 0x5eed, confidenceLevel, sampleSize } = options;
  if (!(exactMaxPairs >= 0)) throw new LearningError('INVALID_ARGUMENT', `theilSen: exactMaxPairs must be >= 0, got ${String(exactMaxPairs)}`);
  if (sampleSize !== undefined && !(Number.isInteger(sampleSize) && sampleSize >= 1))
    throw new LearningError('INVALID_ARGUMENT', `theilSen: sampleSize must be a whole number >= 1, got ${String(sampleSize)}`);
  if (confidenceLevel !== undefined && !(confidenceLevel > 0 && confidenceLevel < 1))
    throw new LearningError('INVALID_ARGUMENT', `theilSen: confidenceLevel must be in (0, 1), got ${String(confidenceLevel)}`);
  let x: Float64Array;
  if (options.x === undefined) {
    x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = i;
  } else {
    assertFiniteValues(options.x, 'theilSen (x)', 0);
    if (options.x.length !== n) throw new LearningError('INVALID_ARGUMENT', `theilSen: x has ${options.x.length} values but y has ${n}`);
    x = Float64Array.from(options.x);
  }
  const y = Float64Array.from(values);
  // Values near ±Number.MAX_VALUE: a difference yⱼ − yᵢ (or y − t·x in the selection) overflowed to ±Infinity, and
  // the median slope came out Infinity for a series whose slope is representable. Scaled by a power of two (exact),
  // the arithmetic stays finite; the results are scaled back.
  let yMax = 0;
  for (let i = 0; i < n; i++) yMax = Math.max(yMax, Math.abs(y[i]!));
  const scale = yMax > Number.MAX_VALUE / (8 * Math.max(n, 1)) ? 2 ** Math.ceil(Math.log2((yMax / Number.MAX_VALUE) * 8 * Math.max(n, 1))) : 1;
  if (scale !== 1) for (let i = 0; i < n; i++) y[i] = y[i]! / scale;
  const problem = new SlopeProblem(x, y, options.x === undefined);
  const pairs = problem.validPairs;
  const empty: TheilSenResult = { slope: NaN, intercept: NaN, pairs, method: 'exact' };
  if (pairs === 0) return confidenceLevel === undefined ? empty : { ...empty, lowSlope: NaN, highSlope: NaN };
  const wanted: number[] = [Math.floor((pairs + 1) / 2), Math.floor(pairs / 2) + 1];
  let lowRank = 0;
  let highRank = 0;
  if (confidenceLevel !== undefined) {
    // Sen (1968) eq. 2.6 with scipy's rounding (round half to even) and clamping.
    const z = -normalQuantile((1 - confidenceLevel) / 2);
    const sigma = Math.sqrt(problem.senVariance());
    lowRank = Math.max(roundHalfEven((pairs - z * sigma) / 2) - 1, 0) + 1;
    highRank = Math.min(roundHalfEven((pairs + z * sigma) / 2), pairs - 1) + 1;
    wanted.push(lowRank, highRank);
  }
  const exact = pairs <= exactMaxPairs;
  const method = exact ? 'exact' : sampleSize === undefined ? 'selection' : 'sampled';
  const found =
    method === 'exact'
      ? problem.selectByEnumeration(wanted)
      : method === 'selection'
        ? problem.selectRandomized(wanted, seed)
        : problem.estimateBySampling(wanted, sampleSize!, seed);
  const scaledSlope = (found.get(wanted[0]!)! + found.get(wanted[1]!)!) / 2;
  const slope = scaledSlope * scale + 0; // + 0 turns -0 into 0
  const medianX = options.x === undefined ? (n - 1) / 2 : medianInPlace(Float64Array.from(x));
  const intercept = (medianInPlace(Float64Array.from(y)) - scaledSlope * medianX) * scale;
  const result: TheilSenResult = { slope, intercept, pairs, method };
  if (confidenceLevel !== undefined) {
    result.lowSlope = found.get(lowRank)! * scale + 0;
    result.highSlope = found.get(highRank)! * scale + 0;
  }
  return result;
}

/** Collects visited inversions' slopes, all of them (rate 1) or a Bernoulli sample. */
class SlopeCollector implements InversionVisitor {
  slopes = new Float64Array(1024);
  size = 0;
  overflow = false;
  private consumed = 0;
  private next: number;
  constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
    private readonly rate: number,
    private readonly random: () => number,
    private readonly cap: number,
  ) {
    this.next = this.gap();
  }
  private gap(): number {
    if (this.rate >= 1) return 0;
    // Geometric skip: the number of inversions passed over before the next sampled one.
    return Math.floor(Math.log(1 - this.random()) / Math.log1p(-this.rate));
  }
  visit(b: number, leftIdx: Int32Array, from: number, count: number): void {
    const end = this.consumed + count;
    while (this.next < end) {
      if (this.size >= this.cap) {
        this.overflow = true;
        this.next = Infinity;
        break;
      }
      const a = leftIdx[from + (this.next - this.consumed)]!;
      this.next += 1 + this.gap();
      // Pairs with equal x have no slope; they only reach here when hi = +∞ (collectAllAbove).
      const dx = this.x[b]! - this.x[a]!;
      if (dx === 0) continue;
      const slope = (this.y[b]! - this.y[a]!) / dx;
      if (this.size === this.slopes.length) {
        const grown = new Float64Array(Math.min(this.slopes.length * 2, Math.max(this.cap, 1024)));
        grown.set(this.slopes);
        this.slopes = grown;
      }
      this.slopes[this.size++] = slope;
    }
    this.consumed = end;
  }
}

const ENUMERATE_FACTOR = 4;
const SAMPLE_FACTOR = 4;

class SlopeProblem {
  /** Point indices in x order, ties in x by ascending y (so tied-x pairs never count as inversions). */
  readonly order: Int32Array;
  readonly validPairs: number;
  private readonly xIsIndex: boolean;
  // Merge-sort buffers, allocated on first use (only the exact selection needs them).
  private buffers?: { keys: Float64Array; idx: Int32Array; tmpKeys: Float64Array; tmpIdx: Int32Array };
  private readonly xTieVarianceTerm: number;

  constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
    xIsIndex: boolean,
  ) {
    const n = x.length;
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    if (!xIsIndex) this.order.sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
    // The index x has no ties: skip sorting it.
    const xt = xIsIndex ? { pairs: 0, varianceTerm: 0 } : tieSums(Float64Array.from(x).sort());
    this.xTieVarianceTerm = xt.varianceTerm;
    this.validPairs = (n * (n - 1)) / 2 - xt.pairs;
    this.xIsIndex = xIsIndex;
  }

  /** Variance of Kendall's S between x and y with ties in both (Sen 1968, eq. 2.6). */
  senVariance(): number {
    const n = this.x.length;
    const yTieVarianceTerm = tieSums(Float64Array.from(this.y).sort()).varianceTerm;
    return (n * (n - 1) * (2 * n + 5) - this.xTieVarianceTerm - yTieVarianceTerm) / 18;
  }

  /**
   * Order statistics estimated from `m` random pairs: the first point of each pair sweeps the series
   * in order (stratified, so memory is read mostly sequentially), the second is uniform. Each
   * unordered pair is equally likely; rank r is read at relative position r / N of the sample.
   */
  estimateBySampling(ranks: number[], m: number, seed: number): Map<number, number> {
    const { x, y, xIsIndex } = this;
    const n = x.length;
    const random = mulberry32(seed);
    const sample = new Float64Array(m);
    let size = 0;
    for (let k = 0; k < m; k++) {
      const a = Math.floor((k * n) / m);
      const xa = x[a]!;
      const ya = y[a]!;
      // A few retries find a partner with a different x unless nearly all x are equal.
      for (let tries = 0; tries < 16; tries++) {
        const b = Math.floor(random() * n);
        const dx = xIsIndex ? b - a : x[b]! - xa;
        if (dx !== 0) {
          sample[size++] = (y[b]! - ya) / dx;
          break;
        }
      }
    }
    const out = new Map<number, number>();
    if (size === 0) {
      for (const r of ranks) out.set(r, NaN);
      return out;
    }
    const scratch = sample.subarray(0, size);
    for (const r of [...ranks].sort((a, b) => a - b)) {
      const pos = Math.min(size - 1, Math.max(0, Math.round(((r - 0.5) / this.validPairs) * size - 0.5)));
      out.set(r, selectInPlace(scratch, pos));
    }
    return out;
  }

  /** All slopes, then selection of each wanted rank (1-based). */
  selectByEnumeration(ranks: number[]): Map<number, number> {
    const { x, y, order } = this;
    const n = x.length;
    const slopes = new Float64Array(this.validPairs);
    let k = 0;
    for (let p = 0; p < n; p++) {
      const i = order[p]!;
      for (let q = p + 1; q < n; q++) {
        const j = order[q]!;
        const dx = x[j]! - x[i]!;
        if (dx > 0) slopes[k++] = (y[j]! - y[i]!) / dx;
      }
    }
    return selectRanks(slopes.subarray(0, k), ranks, 0);
  }

  /** Number of slopes strictly below t, and the order of points by y − t·x (in this.idx). */
  private countBelow(t: number): number {
    const { x, y, order } = this;
    const { keys, idx, tmpKeys, tmpIdx } = this.buf();
    for (let p = 0; p < order.length; p++) {
      const i = order[p]!;
      keys[p] = y[i]! - t * x[i]!;
      idx[p] = i;
    }
    return sortCountInversions(keys, idx, tmpKeys, tmpIdx);
  }

  private buf(): NonNullable<SlopeProblem['buffers']> {
    const n = this.x.length;
    return (this.buffers ??= { keys: new Float64Array(n), idx: new Int32Array(n), tmpKeys: new Float64Array(n), tmpIdx: new Int32Array(n) });
  }

  /**
   * Visits the pairs with slope in [lo, hi) and returns their count. Call right after
   * countBelow(lo): this.idx holds the points ordered by y − lo·x, stable from x order.
   */
  private collect(hi: number, visitor: SlopeCollector): number {
    const { x, y } = this;
    const { keys, idx, tmpKeys, tmpIdx } = this.buf();
    for (let p = 0; p < idx.length; p++) {
      const i = idx[p]!;
      keys[p] = y[i]! - hi * x[i]!;
    }
    return sortCountInversions(keys, idx, tmpKeys, tmpIdx, visitor);
  }

  selectRandomized(ranks: number[], seed: number): Map<number, number> {
    const out = new Map<number, number>();
    const random = mulberry32(seed);
    // Ranks close together (the two middle ones) share one search; CI ranks get their own.
    const sorted = [...new Set(ranks)].sort((a, b) => a - b);
    const groups: number[][] = [];
    for (const r of sorted) {
      const g = groups.at(-1);
      if (g && r - g[0]! <= 1) g.push(r);
      else groups.push([r]);
    }
    for (const g of groups) for (const [r, v] of this.selectGroup(g[0]!, g.at(-1)!, random)) out.set(r, v);
    return out;
  }

  private selectGroup(kFirst: number, kLast: number, random: () => number): Map<number, number> {
    const { x, y } = this;
    const n = x.length;
    const N = this.validPairs;
    const m = Math.max(SAMPLE_FACTOR * n, 10_000);
    const cap = Math.max(ENUMERATE_FACTOR * n, 100_000);
    // Round 0: a uniform sample of all valid pairs. The first point sweeps the series in order
    // (stratified: memory is read mostly sequentially); attempts are capped so that a series whose
    // x are nearly all equal cannot loop for long (a small sample only costs extra rounds).
    let sample = new Float64Array(m);
    let size = 0;
    for (let attempt = 0; size < m && attempt < 8 * m; attempt++) {
      const a = Math.floor(((attempt % m) * n) / m);
      const b = Math.floor(random() * n);
      const dx = x[b]! - x[a]!;
      if (dx !== 0) sample[size++] = (y[b]! - y[a]!) / dx;
    }
    let lo = -Infinity;
    let hi = Infinity;
    let below = 0; // slopes < lo
    let inside = N; // slopes in [lo, hi)
    let widen = 3;
    for (let round = 0; round < 64; round++) {
      // Choose [lo', hi') from the sample around the wanted ranks' expected positions.
      const pFirst = (kFirst - below) / inside;
      const pLast = (kLast - below) / inside;
      const sd = Math.sqrt(size * Math.max(pFirst * (1 - pFirst), 1 / size));
      const iLo = Math.floor(pFirst * size - widen * sd) - 1;
      const iHi = Math.ceil(pLast * size + widen * sd);
      const nextLo = iLo < 0 ? lo : selectInPlace(sample.subarray(0, size), iLo);
      let nextHi = iHi >= size ? hi : selectInPlace(sample.subarray(0, size), iHi);
      if (nextHi <= nextLo) nextHi = nextUp(nextLo);
      const expected = size > 0 ? inside * ((Math.max(0, Math.min(size, iHi) - Math.max(0, iLo)) + 1) / size) : inside;
      const belowNext = Number.isFinite(nextLo) ? this.countBelow(nextLo) : 0;
      if (!Number.isFinite(nextLo)) this.resetToXOrderForMinusInfinity();
      const rate = expected <= cap / 2 ? 1 : Math.min(1, m / expected);
      const collector = new SlopeCollector(x, y, rate, random, rate === 1 ? cap : 2 * m);
      const insideNext = Number.isFinite(nextHi) ? this.collect(nextHi, collector) : this.collectAllAbove(collector);
      if (kFirst <= belowNext || kLast > belowNext + insideNext) {
        // The wanted ranks fell outside (a ~6σ event, or ties): widen and retry from the old sample.
        widen *= 2;
        continue;
      }
      lo = nextLo;
      hi = nextHi;
      below = belowNext;
      inside = insideNext;
      if (hi === nextUp(lo)) {
        // All remaining slopes are equal to lo.
        const res = new Map<number, number>();
        for (let k = kFirst; k <= kLast; k++) res.set(k, lo);
        return res;
      }
      if (rate === 1 && !collector.overflow) {
        return selectRanks(collector.slopes.subarray(0, collector.size), rangeOf(kFirst, kLast), below);
      }
      sample = collector.slopes;
      size = collector.size;
      widen = 3;
    }
    // Unreachable in practice (each round shrinks the interval ~√m-fold); fall back to the order
    // statistics of the last sample.
    const res = new Map<number, number>();
    const p = (kFirst - below) / inside;
    for (let k = kFirst; k <= kLast; k++) res.set(k, selectInPlace(sample.subarray(0, size), Math.min(size - 1, Math.floor(p * size))));
    return res;
  }

  /** Order for lo = −∞: y − lo·x sorts by x (ties by y), i.e. the x order itself. */
  private resetToXOrderForMinusInfinity(): void {
    this.buf().idx.set(this.order);
  }

  /** Pairs with slope ≥ lo when hi = +∞: every non-inversion; only reachable with tiny samples. */
  private collectAllAbove(visitor: SlopeCollector): number {
    // y − hi·x for hi → +∞ orders by decreasing x (ties by y): reverse x order, keyed by rank.
    const { idx, keys, tmpKeys, tmpIdx } = this.buf();
    const rank = new Float64Array(idx.length);
    for (let p = 0; p < this.order.length; p++) rank[this.order[p]!] = this.order.length - p;
    for (let p = 0; p < idx.length; p++) keys[p] = rank[idx[p]!]!;
    // Inversions of the reversed rank over the current order are the pairs not below lo; x-tied
    // pairs are excluded below by the visitor's slope (±Infinity filtered in selectRanks).
    return sortCountInversions(keys, idx, tmpKeys, tmpIdx, visitor) - this.xTiePairsBetween();
  }

  private xTiePairsBetween(): number {
    const n = this.x.length;
    return (n * (n - 1)) / 2 - this.validPairs;
  }
}

function rangeOf(first: number, last: number): number[] {
  const out: number[] = [];
  for (let k = first; k <= last; k++) out.push(k);
  return out;
}

/** The smallest double greater than v. */
function nextUp(v: number): number {
  if (Number.isNaN(v) || v === Infinity) return v;
  if (v === 0) return Number.MIN_VALUE;
  const buf = new Float64Array([v]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] = v > 0 ? bits[0]! + 1n : bits[0]! - 1n;
  return buf[0]!;
}

/**
 * The values at 1-based ranks `ranks` among all slopes, given `slopes` = the slopes in [lo, hi)
 * and `offset` slopes below lo. Rounding can make a handful of slopes computed directly disagree
 * with the counting; ranks are clamped into the collected set.
 */
function selectRanks(kept: Float64Array, ranks: number[], offset: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const k of [...ranks].sort((a, b) => a - b)) {
    const local = Math.min(Math.max(k - offset - 1, 0), kept.length - 1);
    out.set(k, selectInPlace(kept, local));
  }
  return out;
}
