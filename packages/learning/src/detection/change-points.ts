import { LearningError, LearningErrorCode } from '../errors.js';
import { calibrate, pValueScore } from './calibration.js';
import { CHANGE_POINT_CALIBRATION } from './calibration-tables.js';
import { BinaryHeap, RunningMedian } from './internal/heap.js';
import { compact, MAD_TO_SIGMA, sortedMedian, studentTwoSidedP } from './internal/numeric.js';
import { checkOptions } from '../options.js';

/**
 * How {@link detectChangePoints} decides how many change points there are.
 * - `'mbic'`: penalised likelihood (modified BIC) of a piecewise-constant mean on the series standardised by its
 *   overall spread — the criterion of van den Burg & Williams' best default method. Reports the changes a person
 *   sees on a plot of the whole series.
 * - `'significance'`: every split must pass a two-sample t-test at `alpha`, corrected for the choice of position
 *   and for autocorrelation, then a split/merge pass (Apache Otava's scheme). More sensitive to small steps in
 *   long quiet series, less to changes of slope.
 */
export type ChangePointMethod = 'mbic' | 'significance';

/** Options of {@link detectChangePoints}. */
export interface ChangePointOptions {
  /** How the number of change points is chosen. @default 'mbic' */
  readonly method?: ChangePointMethod;
  /** Most change points to report (`'mbic'` only; the criterion usually stops well before). @default unlimited */
  readonly maxChangePoints?: number;
  /** Significance level each change point must pass with `method: 'significance'` (after the corrections described there). @default 0.05 */
  readonly alpha?: number;
  /** Fewest observations in a segment, so a single outlier can never form one. @default 5 */
  readonly minSegmentLength?: number;
  /** Also return candidates that were not selected (flagged `weak: true`). @default false */
  readonly includeWeak?: boolean;
}

/** The keys of {@link ChangePointOptions}, for checkOptions. */
const CHANGE_POINT_OPTION_KEYS = ['method', 'maxChangePoints', 'alpha', 'minSegmentLength', 'includeWeak'] as const satisfies ReadonlyArray<keyof ChangePointOptions>;

/** A point where the level of the series shifts. */
export interface ChangePoint {
  /** First observation of the new segment, in the original indexing (missing values count). */
  readonly index: number;
  /** Level (median) of the segment before. */
  readonly before: number;
  /** Level (median) of the segment after. */
  readonly after: number;
  /** (after − before) / |before| (NaN when before is 0). */
  readonly relativeChange: number;
  /**
   * p-value of the change within the union of its two neighbouring segments: two-sample t-test with the
   * autocorrelation and choice-of-position corrections described on {@link detectChangePoints}.
   */
  readonly pValue: number;
  /** Probability that the change is real (calibrated, see docs/detection.md). */
  readonly confidence: number;
  /** True for a candidate below the significance threshold (only with `includeWeak`). */
  readonly weak: boolean;
}

/** Residual clipping: values further than this many robust σ from the running median are pulled back to it. */
const CLIP_SIGMAS = 3;
/** Largest share of points clipping may change (the top 5% of residuals at most). */
const CLIP_SHARE = 0.05;
/** Width of the running median that defines "local level" for clipping. */
const CLIP_WINDOW = 5;
/** Relative size below which a sum of squares from prefix-sum differences is rounding noise. */
const NUMERIC_TOLERANCE = 1e-12;
/** Largest lag-1 autocorrelation used in the serial correction (keeps the inflation finite). */
const RHO_MAX = 0.98;

/**
 * Winsorizes isolated outliers: each value is clipped to its running median (width 5) ± 3 robust σ, σ being
 * 1.4826 × the median absolute residual. A step survives (the running median follows it after 3 points); a
 * lone spike is reduced to a 3σ value, so least squares below cannot be dragged by it.
 * Exported for the benches' experiments (not part of the package's API).
 * @see J. W. Tukey, Exploratory Data Analysis (1977), running medians; P. J. Huber, Robust Statistics (1981), winsorizing.
 */
export function clipOutliers(x: Float64Array): Float64Array {
  const n = x.length;
  if (n < CLIP_WINDOW) return x;
  const rm = new Float64Array(n);
  const w = new Float64Array(CLIP_WINDOW);
  const half = CLIP_WINDOW >> 1;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, Math.min(n - CLIP_WINDOW, i - half));
    // Insertion sort of the window: for 5 values several times faster than TypedArray#sort's call overhead.
    for (let j = 0; j < CLIP_WINDOW; j++) {
      const v = x[a + j]!;
      let k = j;
      for (; k > 0 && w[k - 1]! > v; k--) w[k] = w[k - 1]!;
      w[k] = v;
    }
    rm[i] = w[half]!;
  }
  const res = new Float64Array(n);
  for (let i = 0; i < n; i++) res[i] = Math.abs(x[i]! - rm[i]!);
  const sorted = res.slice().sort();
  // Clip at 3 robust σ, but never more than CLIP_SHARE of the points: on quantised series (timings that are
  // 0.2, 0.3 or 0.4 s) most residuals are 0, the MAD is tiny, and clipping at 3σ would flatten a whole recurring
  // level onto its neighbour and fabricate a change. Values that recur are data, not isolated outliers.
  const limit = Math.max(CLIP_SIGMAS * MAD_TO_SIGMA * sortedMedian(sorted), sorted[Math.floor((1 - CLIP_SHARE) * (n - 1))]!);
  if (!(limit > 0)) return x;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = x[i]! - rm[i]!;
    out[i] = d > limit ? rm[i]! + limit : d < -limit ? rm[i]! - limit : x[i]!;
  }
  return out;
}

/** Prefix sums of a centred series, giving O(1) residual sums of squares for any segment. */
class Segments {
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  private readonly mu: number;
  constructor(readonly x: Float64Array) {
    const n = x.length;
    let mu = 0;
    for (let i = 0; i < n; i++) mu += x[i]!;
    mu = n > 0 ? mu / n : 0;
    this.mu = mu;
    this.s1 = new Float64Array(n + 1);
    this.s2 = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const v = x[i]! - mu;
      this.s1[i + 1] = this.s1[i]! + v;
      this.s2[i + 1] = this.s2[i]! + v * v;
    }
  }
  sum(a: number, b: number): number {
    return this.s1[b]! - this.s1[a]!;
  }
  /** Residual sum of squares of x[a..b) around its mean. */
  rss(a: number, b: number): number {
    const s = this.sum(a, b);
    const raw = this.s2[b]! - this.s2[a]!;
    const r = raw - (s * s) / (b - a);
    // Prefix sums cancel: below this the segment is constant up to rounding (relative resolution ~1e-12).
    return r > NUMERIC_TOLERANCE * raw ? r : 0;
  }
  /** Between-segment sum of squares gained by splitting [a, e) at k (the squared CUSUM). */
  gain(a: number, k: number, e: number): number {
    const l = this.sum(a, k);
    const r = this.sum(k, e);
    const nl = k - a;
    const nr = e - k;
    const d = l / nl - r / nr;
    const g = ((nl * nr) / (nl + nr)) * d * d;
    return g > NUMERIC_TOLERANCE * (this.s2[e]! - this.s2[a]!) ? g : 0;
  }
  /**
   * Lag-1 autocorrelation of the noise implied by first differences: for AR(1) noise with coefficient ρ,
   * corr(Δx_t, Δx_{t−1}) = −(1 − ρ)/2, so ρ = 1 + 2·r_Δ. Level shifts touch one difference each and are
   * clipped first (3 robust σ), so unlike residual autocorrelation this is not inflated by unmodelled steps.
   */
  private diffRho?: number;
  noiseRho(): number {
    if (this.diffRho !== undefined) return this.diffRho;
    const x = this.x;
    const m = x.length - 1;
    if (m < 3) return (this.diffRho = 0);
    const d = new Float64Array(m);
    for (let i = 0; i < m; i++) d[i] = x[i + 1]! - x[i]!;
    const med = sortedMedian(Float64Array.from(d).sort());
    const absDev = new Float64Array(m);
    for (let i = 0; i < m; i++) absDev[i] = Math.abs(d[i]! - med);
    const limit = CLIP_SIGMAS * MAD_TO_SIGMA * sortedMedian(absDev.sort());
    let num = 0;
    let den = 0;
    let prev = 0;
    for (let i = 0; i < m; i++) {
      const c = limit > 0 ? Math.max(-limit, Math.min(limit, d[i]! - med)) : d[i]! - med;
      den += c * c;
      if (i > 0) num += c * prev;
      prev = c;
    }
    const r = den > 0 ? num / den : -0.5;
    return (this.diffRho = Math.min(RHO_MAX, Math.max(0, 1 + 2 * r)));
  }
  /**
   * Serial correlation used for the test of a split at k: the smaller of the residual lag-1 autocorrelation of
   * the two-mean fit (high for trends and seasonality, but also for steps the fit leaves out) and the
   * difference-based noise estimate (blind to steps). Smooth series are high on both; a series with several
   * real steps is high only on the first.
   */
  rho(a: number, k: number, e: number): number {
    return Math.min(this.residualRho(a, k, e), this.noiseRho());
  }
  /** Lag-1 autocorrelation of residuals of the two-mean fit split at k, clamped to [0, RHO_MAX]. */
  residualRho(a: number, k: number, e: number): number {
    const ml = this.sum(a, k) / (k - a);
    const mr = this.sum(k, e) / (e - k);
    const mu = this.mu;
    let num = 0;
    let den = 0;
    let prev = 0;
    for (let i = a; i < e; i++) {
      const r = this.x[i]! - mu - (i < k ? ml : mr);
      den += r * r;
      if (i > a) num += r * prev;
      prev = r;
    }
    return den > 0 ? Math.min(RHO_MAX, Math.max(0, num / den)) : 0;
  }
}

/**
 * p-value of the split of [a, e) at k: two-sample t statistic (pooled variance, m − 2 df), its variance
 * inflated by (1 + ρ)/(1 − ρ) for lag-1 autocorrelation ρ of the residuals, Bonferroni-multiplied by the number
 * of admissible split positions because k was chosen as the best one.
 */
function splitP(seg: Segments, a: number, k: number, e: number, minSeg: number): number {
  const m = e - a;
  const between = seg.gain(a, k, e);
  const within = seg.rss(a, k) + seg.rss(k, e);
  const candidates = Math.max(1, m - 2 * minSeg + 1);
  if (!(between > 0)) return 1;
  if (within <= 0) return 0;
  const rho = seg.rho(a, k, e);
  const t2 = between / (within / (m - 2)) / ((1 + rho) / (1 - rho));
  return Math.min(1, studentTwoSidedP(Math.sqrt(t2), m - 2) * candidates);
}

function bestSplit(seg: Segments, a: number, e: number, minSeg: number): number {
  let best = -1;
  let bestK = -1;
  for (let k = a + minSeg; k <= e - minSeg; k++) {
    const g = seg.gain(a, k, e);
    if (g > best) {
      best = g;
      bestK = k;
    }
  }
  return bestK;
}

/** MBIC's penalty per change point, in units of log n (Zhang & Siegmund 2007; changepoint's `MBIC`). */
const MBIC_CHANGE_PENALTY = 3;

/** A candidate split of one segment, kept in a max-heap by gain. */
interface Candidate {
  readonly a: number;
  readonly k: number;
  readonly e: number;
  readonly gain: number;
}


/**
 * Binary segmentation path ordered by gain, and the prefix of it that minimises the modified BIC of a
 * piecewise-constant Gaussian mean with the noise variance set to the series' overall variance:
 *   RSS_k / s² + Σ log(segment length) + 3·k·log n.
 * Using the overall variance (not a local noise estimate) makes the criterion ask whether a shift is large
 * relative to the whole series' spread — the scale at which people judge a plot.
 * @returns the selected change points (sorted) and the rest of the path (candidates that were not selected).
 */
function mbicSegmentation(seg: Segments, n: number, minSeg: number, maxCps: number): { selected: number[]; rest: number[] } {
  const total = seg.rss(0, n);
  if (!(total > 0)) return { selected: [], rest: [] };
  const s2 = total / (n - 1);
  const logN = Math.log(n);
  const heap = new BinaryHeap<Candidate>((p, q) => p.gain > q.gain);
  const consider = (a: number, e: number): void => {
    if (e - a < 2 * minSeg) return;
    const k = bestSplit(seg, a, e, minSeg);
    const gain = k < 0 ? 0 : seg.gain(a, k, e);
    if (gain > 0) heap.push({ a, k, e, gain });
  };
  consider(0, n);
  const path: number[] = [];
  let cost = total / s2 + logN;
  let bestCost = cost;
  let bestLength = 0;
  while (heap.size > 0 && path.length < maxCps) {
    const c = heap.pop()!;
    path.push(c.k);
    // Replacing segment [a, e) by [a, k) and [k, e): the RSS drops by the gain, the length term changes.
    cost += -c.gain / s2 + Math.log(c.k - c.a) + Math.log(c.e - c.k) - Math.log(c.e - c.a) + MBIC_CHANGE_PENALTY * logN;
    if (cost < bestCost) {
      bestCost = cost;
      bestLength = path.length;
    }
    consider(c.a, c.k);
    consider(c.k, c.e);
  }
  return { selected: path.slice(0, bestLength).sort((p, q) => p - q), rest: path.slice(bestLength) };
}

/** Significance method: binary segmentation with a t-test per split, then the split/merge pass. */
function significanceSegmentation(seg: Segments, n: number, minSeg: number, alpha: number): { cps: number[]; ps: number[]; weak: Array<{ at: number; p: number }> } {
  const cps: number[] = [];
  const stack: Array<[number, number]> = [[0, n]];
  while (stack.length > 0) {
    const [a, e] = stack.pop()!;
    if (e - a < 2 * minSeg) continue;
    const k = bestSplit(seg, a, e, minSeg);
    if (k < 0 || splitP(seg, a, k, e, minSeg) >= alpha) continue;
    cps.push(k);
    stack.push([a, k], [k, e]);
  }
  cps.sort((p, q) => p - q);
  // Merge: drop the weakest point that fails within its neighbours, re-test, repeat.
  const ps = cps.map((_, i) => pWithinNeighbours(seg, cps, i, n, minSeg));
  const weak: Array<{ at: number; p: number }> = [];
  for (;;) {
    let worst = -1;
    for (let i = 0; i < ps.length; i++) if (ps[i]! >= alpha && (worst < 0 || ps[i]! > ps[worst]!)) worst = i;
    if (worst < 0) break;
    weak.push({ at: cps[worst]!, p: ps[worst]! });
    cps.splice(worst, 1);
    ps.splice(worst, 1);
    for (const j of [worst - 1, worst]) if (j >= 0 && j < cps.length) ps[j] = pWithinNeighbours(seg, cps, j, n, minSeg);
  }
  return { cps, ps, weak };
}

/** Index of the first element of the sorted `list` greater than `x` (binary search). */
function firstAfter(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pWithinNeighbours(seg: Segments, list: readonly number[], i: number, n: number, minSeg: number): number {
  return splitP(seg, i === 0 ? 0 : list[i - 1]!, list[i]!, i === list.length - 1 ? n : list[i + 1]!, minSeg);
}

/**
 * Finds the points where the level of a series shifts.
 *
 * Default method (`'mbic'`): binary segmentation on the CUSUM (each step takes, over all current segments, the
 * split that most reduces the residual sum of squares), then the number of change points that minimises the
 * modified BIC of a piecewise-constant mean, with the noise variance set to the overall variance of the series
 * (Zhang & Siegmund's MBIC with the conventions of R's changepoint::cpt.mean, which TCPDBench runs as its
 * binseg default). On the Turing change-point benchmark this is the default that agrees best with human
 * annotators (docs/detection.md gives the table). `method: 'significance'` instead keeps each split only if a
 * two-sample t-test passes `alpha` after (1) a Bonferroni factor for having chosen the best admissible position
 * and (2) a variance inflation (1 + ρ)/(1 − ρ) for lag-1 autocorrelation, then re-tests every point within its
 * neighbours and drops failures (the split/merge scheme of Apache Otava).
 *
 * Both methods first winsorize isolated outliers to 3 robust σ around a running median (width 5) and never make a
 * segment shorter than `minSegmentLength`, so a single outlier — even the newest point or a huge one — is never a
 * change point. Missing values (null, undefined, NaN, ±Infinity) are skipped; indices refer to the original
 * series. Every reported point carries the t-test p-value of its change within its neighbouring segments and a
 * confidence calibrated on it (docs/detection.md).
 *
 * Cost: O(n) per segment scanned (prefix sums) plus O(n log n) for the outlier pass: O(n log n) overall for a
 * series with a bounded number of change points; binary segmentation's whole path costs O(n · depth).
 *
 * @throws {LearningError} INVALID_ARGUMENT when `alpha` is not in (0, 1), `minSegmentLength` < 1,
 * `maxChangePoints` < 0 or `method` is unknown.
 * @example
 * detectChangePoints([10, 10.2, 9.9, 10.1, 10, 10.1, 12, 12.2, 11.9, 12.1, 12, 12.1])[0]?.index; // 6
 * @see N. R. Zhang & D. O. Siegmund, "A modified Bayes information criterion with applications to the analysis of
 *   comparative genomic hybridization data", Biometrics 63 (2007) — MBIC.
 * @see R. Killick & I. A. Eckley, "changepoint: an R package for changepoint analysis", J. Stat. Softw. 58 (2014).
 * @see A. J. Scott & M. Knott, "A cluster analysis method for grouping means", Biometrics 30 (1974) — binary segmentation.
 * @see Apache Otava (formerly Hunter) docs/MATH.md — split/merge with a t-test significance step.
 * @see G. J. J. van den Burg & C. K. I. Williams, arXiv:2003.06222 (2020) — the benchmark used to choose the defaults.
 */
export function detectChangePoints(values: ReadonlyArray<number | null | undefined>, optionsInput: ChangePointOptions | null = {}): ChangePoint[] {
  // null means no options; a misspelt key is refused instead of silently falling back to its default.
  const options: ChangePointOptions = checkOptions('detectChangePoints', optionsInput, CHANGE_POINT_OPTION_KEYS);
  const method = options.method ?? 'mbic';
  const alpha = options.alpha ?? 0.05;
  const minSeg = options.minSegmentLength ?? 5;
  const maxCps = options.maxChangePoints ?? Number.POSITIVE_INFINITY;
  if (method !== 'mbic' && method !== 'significance') {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectChangePoints: method must be 'mbic' or 'significance', got ${String(method)}`);
  }
  if (!(alpha > 0 && alpha < 1)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectChangePoints: alpha must be in (0, 1), got ${alpha}`);
  if (!(Number.isInteger(minSeg) && minSeg >= 1)) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectChangePoints: minSegmentLength must be an integer ≥ 1, got ${minSeg}`);
  }
  if (!(maxCps >= 0 && (Number.isInteger(maxCps) || maxCps === Number.POSITIVE_INFINITY))) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectChangePoints: maxChangePoints must be an integer ≥ 0, got ${maxCps}`);
  }
  const includeWeak = options.includeWeak ?? false;
  const { values: raw, indices } = compact(values);
  const n = raw.length;
  if (n < 2 * minSeg) return [];
  // The tests are scale-invariant; dividing by the largest magnitude keeps the squared prefix sums finite for
  // values near ±1e300 and away from underflow for values near 1e-300.
  let maxAbs = 0;
  for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(raw[i]!));
  const scaled = maxAbs > 0 ? raw.map((v) => v / maxAbs) : raw;
  const seg = new Segments(clipOutliers(scaled));

  let cps: number[];
  let ps: number[];
  const weak: Array<{ at: number; p: number }> = [];
  if (method === 'mbic') {
    const { selected, rest } = mbicSegmentation(seg, n, minSeg, maxCps);
    cps = selected;
    ps = cps.map((_, i) => pWithinNeighbours(seg, cps, i, n, minSeg));
    if (includeWeak) {
      for (const at of rest) {
        const j = firstAfter(cps, at);
        weak.push({ at, p: splitP(seg, j > 0 ? cps[j - 1]! : 0, at, j < cps.length ? cps[j]! : n, minSeg) });
      }
    }
  } else {
    const result = significanceSegmentation(seg, n, minSeg, alpha);
    ({ cps, ps } = result);
    weak.push(...result.weak);
  }

  const found = cps.map((at, i) => ({ at, p: ps[i]!, weak: false }));
  if (includeWeak) {
    const taken = new Set(cps);
    for (const w of weak) {
      if (taken.has(w.at)) continue;
      taken.add(w.at);
      found.push({ at: w.at, p: w.p, weak: true });
    }
    // Plus the best candidate inside every final segment, so callers see the strongest near-misses.
    const bounds = [0, ...cps, n];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const a = bounds[i]!;
      const e = bounds[i + 1]!;
      if (e - a < 2 * minSeg) continue;
      const k = bestSplit(seg, a, e, minSeg);
      if (k >= 0 && !taken.has(k)) found.push({ at: k, p: splitP(seg, a, k, e, minSeg), weak: true });
    }
  }
  found.sort((p, q) => p.at - q.at);
  const { before, after } = levelsAround(raw, cps, found.map((f) => f.at));
  return found.map(({ at, p, weak: isWeak }, i) => ({
    index: indices[at]!,
    before: before[i]!,
    after: after[i]!,
    relativeChange: relativeChangeOf(before[i]!, after[i]!),
    pValue: p,
    confidence: calibrate(CHANGE_POINT_CALIBRATION, pValueScore(p)),
    weak: isWeak,
  }));
}

/**
 * (after − before) / |before|, NaN for a zero baseline. When the difference overflows (levels near ±MAX_VALUE on
 * opposite sides), the equal after / |before| − sign(before) gives the finite answer; otherwise bit-for-bit the
 * plain formula.
 */
function relativeChangeOf(before: number, after: number): number {
  if (before === 0) return Number.NaN;
  const direct = (after - before) / Math.abs(before);
  return Number.isFinite(direct) ? direct : after / Math.abs(before) - Math.sign(before);
}

/**
 * Levels on each side of every point in `points` (sorted), measured within the selected segmentation `cps`:
 * the median of the raw values from the previous selected change point up to the point, and from the point up
 * to the next one — so weak candidates do not fragment the levels. One forward and one backward sweep of running
 * medians per segment: O(n log n) however many weak candidates there are (sorting each side costs O(n log n)
 * per point, which made `includeWeak` quadratic on long series).
 */
function levelsAround(raw: Float64Array, cps: readonly number[], points: readonly number[]): { before: number[]; after: number[] } {
  const n = raw.length;
  const before = new Array<number>(points.length);
  const after = new Array<number>(points.length);
  // Nothing to report (most calls on a stable series): no running medians over the whole series.
  if (points.length === 0) return { before, after };
  const selected = new Set(cps);
  let j = 0;
  const bounds = [0, ...cps, n];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const a = bounds[s]!;
    const e = bounds[s + 1]!;
    // Points in (a, e), plus the segment's end when it is a selected change point (its "before" is this segment).
    const first = j;
    while (j < points.length && points[j]! < e) j++;
    const inside = points.slice(first, j).map((at, k) => ({ at, i: first + k }));
    const forward = new RunningMedian();
    let t = a;
    for (const { at, i } of inside) {
      while (t < at) forward.push(raw[t++]!);
      if (!selected.has(at)) before[i] = forward.median();
    }
    while (t < e) forward.push(raw[t++]!);
    const whole = forward.median();
    if (j < points.length && points[j] === e) before[j] = whole;
    if (first < points.length && points[first] === a && a > 0) after[first] = whole;
    const backward = new RunningMedian();
    t = e;
    for (let k = inside.length - 1; k >= 0; k--) {
      const { at, i } = inside[k]!;
      if (selected.has(at)) continue;
      while (t > at) backward.push(raw[--t]!);
      after[i] = backward.median();
    }
  }
  return { before, after };
}
