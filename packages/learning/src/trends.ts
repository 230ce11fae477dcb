import { LearningError } from './errors.js';
import { checkOptions } from './options.js';
import { assertFiniteValues, interpolate, neumaierSum, stdDevUnchecked, type NumericArray } from './stats/descriptive.js';
import { MAD_NORMAL_CONSISTENCY, madAround } from './stats/robust.js';
import { mannKendall, theilSen } from './stats/trend.js';

/**
 * Fewest points a trend is tested on. Below it `analyzeTrends` reports `sufficient: false`,
 * `trendDirection: 0` and `pValue: 1` instead of a trend. Five is the smallest n at which the
 * two-sided Mann–Kendall test can reach p < 0.05 at all (exact p of a perfect monotone run of 5 is
 * 2/5! ≈ 0.017; of 4 it is 2/4! ≈ 0.083), and the lower end of the guide's "5–10 data points".
 */
export const MIN_TREND_POINTS = 5;

/**
 * Windows longer than this get a sampled Theil–Sen slope (4,000,000 random pairs, see
 * `theilSen`'s `sampleSize`); shorter ones the exact median of all pairwise slopes. Exact
 * selection costs about 15 sorts of the window, the sample about 3 sorts of a million points.
 */
export const EXACT_SLOPE_MAX_POINTS = 100_000;
const SLOPE_SAMPLE_SIZE = 4_000_000;

/** What `MetricsTracker.analyzeTrends` (and {@link analyzeSeries}) returns. */
export interface TrendAnalysis {
  /** The metric analyzed (empty for a bare series). */
  metric: string;
  /** Records of the metric that matched (all of them, not only the window). */
  count: number;
  /** Points analyzed: the newest `windowSize` of them. */
  window: number;
  /** False when the window has fewer than {@link MIN_TREND_POINTS} points; `reason` says why. */
  sufficient: boolean;
  /** Why the analysis is not sufficient, e.g. "need at least 5 points, have 3". */
  reason?: string;
  /** Arithmetic mean of the window (NaN when it is empty). */
  mean: number;
  /** Median of the window. */
  median: number;
  /** Sample standard deviation (n − 1) of the window; NaN below 2 points. */
  stdDev: number;
  min: number;
  max: number;
  /** Median absolute deviation scaled by 1.4826 (R's `mad`), a robust standard deviation. */
  mad: number;
  /**
   * Theil–Sen slope per observation (median of pairwise slopes); NaN when insufficient. Exact up to
   * {@link EXACT_SLOPE_MAX_POINTS} points, estimated from 4,000,000 random pairs above.
   */
  slope: number;
  /**
   * +1 increasing, −1 decreasing, 0 no significant trend: the sign of Kendall's S when the
   * two-sided Mann–Kendall test (tie-corrected) has p < `alpha` (0.05), else 0. Positive = increasing,
   * as the guide prints it; whether that is good depends on the metric's polarity.
   */
  trendDirection: -1 | 0 | 1;
  /** Two-sided p-value of the Mann–Kendall test (1 when insufficient). */
  pValue: number;
  /** Kendall's τ_b between time and value (0 when insufficient). */
  tau: number;
  /** The window's values, oldest first. */
  values: number[];
}

/** Options of {@link analyzeSeries}. */
export interface AnalyzeSeriesOptions {
  /** Name reported as `metric`. @default '' */
  metric?: string;
  /** Reported as `count` (how many records matched before windowing). @default values.length */
  count?: number;
  /** Significance level of the trend test. @default 0.05 */
  alpha?: number;
  /** Fewest points for a trend. @default {@link MIN_TREND_POINTS} (5); must be at least 3 */
  minPoints?: number;
}

/**
 * The statistics of `analyzeTrends` on a bare series (oldest first): descriptive and robust
 * statistics, a Theil–Sen slope, and a Mann–Kendall trend decision. O(n log n) throughout
 * (one sort, one merge-sort count for Mann–Kendall, randomized slope selection or sampling for
 * Theil–Sen), so a million points cost a few sorts (bench/trends.bench.ts).
 * @throws {LearningError} INVALID_ARGUMENT when a value is not finite or an option is out of range.
 * @example
 * const t = analyzeSeries([10, 10.4, 10.9, 11.2, 11.8, 12.1]);
 * t.trendDirection // 1
 * @see {@link mannKendall}, {@link theilSen}, {@link mad}
 */
export function analyzeSeries(values: NumericArray, options: AnalyzeSeriesOptions = {}): TrendAnalysis {
  assertFiniteValues(values, 'analyzeSeries', 0);
  const checked = checkOptions<AnalyzeSeriesOptions>('analyzeSeries', options, ['metric', 'count', 'alpha', 'minPoints']);
  const { metric = '', alpha = 0.05, minPoints = MIN_TREND_POINTS } = checked;
  const n = values.length;
  const count = checked.count ?? n;
  // Both are copied into the result as given: a NaN count or a numeric metric would reach the caller's report.
  if (typeof metric !== 'string') throw new LearningError('INVALID_ARGUMENT', `metric must be a string (the name reported), got ${typeof metric}`);
  if (!(Number.isInteger(count) && count >= n))
    throw new LearningError('INVALID_ARGUMENT', `count must be a whole number >= the number of values (${n}): how many records matched before windowing; got ${String(count)}`);
  if (!(alpha > 0 && alpha < 1)) throw new LearningError('INVALID_ARGUMENT', `alpha must be in (0, 1), got ${String(alpha)}`);
  if (!(Number.isInteger(minPoints) && minPoints >= 3)) throw new LearningError('INVALID_ARGUMENT', `minPoints must be a whole number >= 3, got ${String(minPoints)}`);
  const list = Array.isArray(values) ? (values as number[]).slice() : Array.from(values);
  const base: TrendAnalysis = {
    metric,
    count,
    window: n,
    sufficient: n >= minPoints,
    mean: NaN,
    median: NaN,
    stdDev: NaN,
    min: NaN,
    max: NaN,
    mad: NaN,
    slope: NaN,
    trendDirection: 0,
    pValue: 1,
    tau: 0,
    values: list,
  };
  if (n < minPoints) base.reason = `need at least ${minPoints} points, have ${n}`;
  if (n === 0) return base;

  const sorted = Float64Array.from(values).sort();
  base.min = sorted[0]!;
  base.max = sorted[n - 1]!;
  const h = n >> 1;
  base.median = n % 2 === 1 ? sorted[h]! : interpolate(sorted[h - 1]!, sorted[h]!, 0.5);
  let mean = neumaierSum(values) / n;
  if (!Number.isFinite(mean)) mean = list.reduce((acc, v) => acc + v / n, 0);
  base.mean = mean;
  base.stdDev = stdDevUnchecked(values, mean);
  // The sorted copy is not needed any more: reuse it as the MAD scratch.
  base.mad = MAD_NORMAL_CONSISTENCY * madAround(sorted, base.median);
  if (!base.sufficient) return base;

  const mk = mannKendall(values, { alpha });
  base.trendDirection = mk.trend;
  base.pValue = mk.pValue;
  base.tau = mk.tau;
  base.slope = theilSen(values, n > EXACT_SLOPE_MAX_POINTS ? { sampleSize: SLOPE_SAMPLE_SIZE } : {}).slope;
  return base;
}
