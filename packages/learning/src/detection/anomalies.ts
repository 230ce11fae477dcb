import { LearningError, LearningErrorCode } from '../errors.js';
import { detectChangePoints } from './change-points.js';
import { calibrate } from './calibration.js';
import { ANOMALY_CALIBRATION, CONFIRMED_ANOMALY_CALIBRATION } from './calibration-tables.js';
import { CONFIRMED_COUNT_ANOMALY_CALIBRATION, COUNT_ANOMALY_CALIBRATION } from './count-calibration-tables.js';
import { normalQuantile, regularizedIncompleteBeta } from '../stats/distributions.js';
import { compact, MAD_TO_SIGMA, mad, sortedMedian, twoSidedP } from './internal/numeric.js';
import { checkOptions } from '../options.js';

/** Options of {@link detectAnomalies}. */
export interface AnomalyOptions {
  /** How many of the newest points to test. @default 1 */
  readonly recent?: number;
  /** Largest number of preceding points forming the baseline. @default 30 */
  readonly window?: number;
  /** Fewest baseline points before testing. @default 8 */
  readonly minBaseline?: number;
  /** |robust z| at or above which a point is an anomaly. @default 3.5 */
  readonly threshold?: number;
}

/** The keys of {@link AnomalyOptions}, for checkOptions. */
const ANOMALY_OPTION_KEYS = ['recent', 'window', 'minBaseline', 'threshold'] as const satisfies ReadonlyArray<keyof AnomalyOptions>;

/** One anomalous observation. */
export interface Anomaly {
  /** Index in the original series (missing values count). */
  readonly index: number;
  readonly value: number;
  /** Baseline median the value is compared with. */
  readonly expected: number;
  /**
   * Robust z: (value − median) / (1.4826 · MAD). Under the count model (see {@link Anomaly.model}) the normal z
   * with the same two-sided p-value, so that both read on one scale.
   */
  readonly score: number;
  /**
   * How the point was scored. `'robust-z'`: median / MAD. `'count'`: the baseline is discrete (every run a whole
   * number of steps from the median, and the MAD at most one step); the distance in steps is tested against a
   * Poisson model of the baseline's distances (see {@link detectAnomalies}).
   */
  readonly model: 'robust-z' | 'count';
  readonly direction: 1 | -1;
  readonly pValue: number;
  /**
   * Probability that the point is a real anomaly, from a map fitted separately for confirmed and unconfirmed
   * points (see {@link Anomaly.confirmed}).
   */
  readonly confidence: number;
  /**
   * True when the run right after the point is back at the baseline — its |robust z| is below `threshold` and
   * below half the point's, i.e. it is nearer the baseline median than the point — so the point was a one-off
   * spike. False for the newest point, which nothing follows yet: it may equally be the first run of a level
   * shift, so its confidence comes from a separately fitted, lower map. A point followed by a run beyond
   * `threshold` on the same side is the start of a level shift and is not reported at all; any other point is
   * reported unconfirmed.
   */
  readonly confirmed: boolean;
}

/**
 * Largest share of baseline runs at least as far out (same side) that a point can have and still be an outlier.
 * The "isolated outlier" of Iglewicz & Hoaglin is by definition rare; a value that 1 run in 20 reaches is part of
 * the metric's distribution (a second mode, a quantisation step), whatever its robust z.
 */
const RECURRING_SHARE = 0.05;

/** Farthest a baseline run may sit from the median, in steps, for the baseline to count as a lattice. */
const MAX_LATTICE_STEPS = 10_000;

/**
 * The step of a discrete baseline: the smallest distance of a run from the median, if every run
 * is (to rounding) a whole number of such steps from it. A constant baseline steps by its value's recorded
 * precision (1 for 0, 0.1 for 0.4). 0 when there is no step: more than 6 decimals, or not on a lattice.
 */
function latticeStep(sorted: Float64Array, med: number): number {
  let step = Number.POSITIVE_INFINITY;
  for (const b of sorted) {
    const d = Math.abs(b - med);
    if (d > 0 && d < step) step = d;
  }
  // A constant baseline has no step of its own: take the precision its value is recorded with (1 for counts,
  // 0.1 for 0.4 s), up to 6 decimals; a value with more is treated as continuous.
  if (step === Number.POSITIVE_INFINITY) {
    for (let k = 0; k <= 6; k++) {
      const scaled = med * 10 ** k;
      if (Math.abs(scaled - Math.round(scaled)) <= 1e-9 * Math.max(1, Math.abs(scaled))) return 10 ** -k;
    }
    return 0;
  }
  for (const b of sorted) {
    const k = Math.abs(b - med) / step;
    // Beyond MAX_LATTICE_STEPS the rounding test says nothing (and a denormal step makes k infinite): not a lattice.
    if (!(k <= MAX_LATTICE_STEPS) || Math.abs(k - Math.round(k)) > 1e-6 * Math.max(1, k)) return 0;
  }
  return step;
}

/**
 * Flags the newest point(s) that sit far from the recent baseline, measured by the robust z-score
 * (median / MAD, the modified z of Iglewicz & Hoaglin). The baseline is the window of points before the tested
 * ones, cut at the last significant change point so an established level shift is the new normal. A tested
 * point whose predecessor deviates the same way is treated as part of a level shift, not an anomaly, and a point
 * that more than 5% of the baseline runs reached (same side, at least as far) is not an outlier: on discrete or
 * quantised metrics the MAD is 0 or tiny and the robust z of a value seen many times would be huge.
 *
 * When more than half the baseline sits at one value the MAD is 0 and the robust z of any other value is infinite,
 * although on a count (failing tests, lint errors) or a quantised timing an occasional step off the usual value is
 * ordinary; with a MAD of one step, the robust z of a few steps is still coarse. If every baseline run is a whole
 * number of steps d from the median (the step being the smallest distance seen) and the MAD is at most one step,
 * the point's distance is tested instead against the posterior predictive of a Poisson model of
 * those distances with Jeffreys' prior, a negative binomial: after n runs with total distance S, P(D ≥ d) =
 * I_{1/(n+1)}(d, S + ½). One failing test after 30 clean runs then has p ≈ 0.016, not 0; twelve have p ≈ 2e-19.
 * A constant baseline steps by the precision its value is recorded with: 1 for a lint count that was always 0,
 * 0.1 for a timing that was always 0.4 s; one with more than 6 decimals keeps the infinite z.
 *
 * The newest point is ambiguous: a lone spike and the first run of a level shift look the same. With `recent` > 1
 * the older tested points have successors, which settle it: a point whose next run deviates the same way is a
 * shift start and is dropped; one whose next run is back at the baseline is reported with `confirmed: true` and
 * a confidence from a map fitted on such confirmed points only. On the synthetic suite that map gives ≈ 0.97 at
 * |z| = 25 where the newest-point map stops at ≈ 0.83; the remaining doubt is heavy-tailed noise, in which a
 * 20σ run can be natural (docs/detection.md, "Anomalies").
 *
 * @throws {LearningError} INVALID_ARGUMENT when an option is out of range.
 * @example
 * detectAnomalies([10, 10.1, 9.9, 10, 10.2, 9.8, 10.1, 10, 9.9, 10.1, 25])[0]?.index; // 10
 * detectAnomalies([10, 10.1, 9.9, 10, 10.2, 9.8, 10.1, 10, 9.9, 10.1, 25, 10], { recent: 2 })[0]?.confirmed; // true
 * @see B. Iglewicz & D. C. Hoaglin, How to Detect and Handle Outliers, ASQC (1993), §3.
 * @see F. R. Hampel, "The influence curve and its role in robust estimation", JASA 69 (1974).
 * @see A. Gelman et al., Bayesian Data Analysis, 3rd ed. (2013), §2.6: the Poisson–gamma model's negative binomial
 * posterior predictive; H. Jeffreys, Theory of Probability (1961) for the Gamma(½) prior.
 */
export function detectAnomalies(values: ReadonlyArray<number | null | undefined>, optionsInput: AnomalyOptions | null = {}): Anomaly[] {
  // null means no options; a misspelt key is refused instead of silently falling back to its default.
  const options: AnomalyOptions = checkOptions('detectAnomalies', optionsInput, ANOMALY_OPTION_KEYS);
  const recent = options.recent ?? 1;
  const window = options.window ?? 30;
  const minBaseline = options.minBaseline ?? 8;
  const threshold = options.threshold ?? 3.5;
  for (const [name, v, min] of [
    ['recent', recent, 1],
    ['window', window, 3],
    ['minBaseline', minBaseline, 3],
  ] as const) {
    if (!(Number.isInteger(v) && v >= min)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectAnomalies: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
  if (!(threshold > 0)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectAnomalies: threshold must be > 0, got ${threshold}`);
  const { values: x, indices } = compact(values);
  const n = x.length;
  const first = n - recent;
  if (first < minBaseline) return [];
  let start = Math.max(0, first - window);
  const cps = detectChangePoints(Array.from(x.subarray(start, first)));
  const last = cps.at(-1);
  if (last) {
    // last.index is relative to the slice handed to detectChangePoints, which has no missing values.
    const cut = start + last.index;
    if (first - cut >= minBaseline) start = cut;
  }
  const base = x.slice(start, first).sort();
  const med = sortedMedian(base);
  const spread = mad(base, med);
  const scale = MAD_TO_SIGMA * spread;
  // The count model applies on a lattice whose MAD is at most one step; elsewhere the robust z.
  const lattice = latticeStep(base, med);
  const step = lattice > 0 && spread <= lattice * (1 + 1e-9) ? lattice : 0;
  // Count model: P(D ≥ d) for the distance d in steps, negative binomial with r = S + ½, success 1 − 1/(n+1).
  let r = 0.5;
  if (step > 0) for (const b of base) r += Math.round(Math.abs(b - med) / step);
  const countP = (v: number): number => {
    // Off-lattice values are rounded down to the step below: never more alarming than the lattice point.
    const d = Math.floor(Math.abs(v - med) / step + 1e-6);
    if (d <= 0) return 1;
    // Too many steps out for the incomplete beta (or an infinite distance): as far out as it gets.
    return Number.isFinite(d) && d <= 1e12 ? regularizedIncompleteBeta(1 / (base.length + 1), d, r) : 0;
  };
  const zOf = (v: number): number => {
    if (step === 0 && scale > 0) return (v - med) / scale;
    if (v === med) return 0;
    if (step === 0) return Math.sign(v - med) * Number.POSITIVE_INFINITY;
    const p = countP(v);
    // From the lower tail, so that p far below 1e-16 still gives a finite z.
    return p >= 1 ? 0 : -Math.sign(v - med) * normalQuantile(p / 2);
  };
  // How many baseline runs were at least as far out as v on its side (base is sorted): binary search.
  const asFarOut = (v: number): number => {
    let lo = 0;
    let hi = base.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v > med ? base[mid]! < v : base[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return v > med ? base.length - lo : lo;
  };
  const out: Anomaly[] = [];
  for (let i = first; i < n; i++) {
    const z = zOf(x[i]!);
    if (!(Math.abs(z) >= threshold)) continue;
    // A value the baseline has already seen often is not an outlier, however small the MAD: on discrete or
    // quantised metrics (lint counts of 0 or 1, timings in whole seconds) most runs share one value, the MAD is
    // 0 or tiny and the robust z of an ordinary value is huge. An outlier must be rarer than RECURRING_SHARE.
    if (asFarOut(x[i]!) > RECURRING_SHARE * base.length) continue;
    // Two in a row on the same side look like a level shift starting, not a lone outlier.
    const prev = i > 0 ? zOf(x[i - 1]!) : 0;
    if (Math.sign(prev) === Math.sign(z) && Math.abs(prev) >= threshold) continue;
    // The run after the point decides between a spike (back to the baseline) and a shift start (stays out).
    // "Back" also means nearer the baseline than the point: during a shift not yet cut off by a change point,
    // the inflated MAD can bring a run of the new level under the threshold.
    const next = i + 1 < n ? zOf(x[i + 1]!) : Number.NaN;
    if (Math.sign(next) === Math.sign(z) && Math.abs(next) >= threshold) continue;
    const confirmed = Math.abs(next) < Math.min(threshold, Math.abs(z) / 2);
    const model = step > 0 ? 'count' : 'robust-z';
    // Count-model scores have their own maps, fitted on discrete series (bench/count-calibration.ts).
    const map = model === 'count' ? (confirmed ? CONFIRMED_COUNT_ANOMALY_CALIBRATION : COUNT_ANOMALY_CALIBRATION) : confirmed ? CONFIRMED_ANOMALY_CALIBRATION : ANOMALY_CALIBRATION;
    const p = model === 'count' ? countP(x[i]!) : twoSidedP(z);
    out.push({ index: indices[i]!, value: x[i]!, expected: med, score: z, model, direction: z > 0 ? 1 : -1, pValue: p, confidence: calibrate(map, Math.min(1000, Math.abs(z))), confirmed });
  }
  return out;
}
