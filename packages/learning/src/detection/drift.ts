import { LearningError, LearningErrorCode } from '../errors.js';
import { calibrate, pValueScore } from './calibration.js';
import { DRIFT_CALIBRATION } from './calibration-tables.js';
import { mannKendall, theilSen } from '../stats/trend.js';
import { compact, sortedMedian } from './internal/numeric.js';
import { checkOptions } from '../options.js';

/** Options of {@link detectDrift}. */
export interface DriftOptions {
  /** Number of newest points tested. @default 30 */
  readonly window?: number;
  /** Significance level of the Mann–Kendall test. @default 0.01 */
  readonly alpha?: number;
  /** Fewest points before testing. @default 8 */
  readonly minPoints?: number;
  /** Confidence level of the slope interval. @default 0.95 */
  readonly confidenceLevel?: number;
}

/** The keys of {@link DriftOptions}, for checkOptions. */
const DRIFT_OPTION_KEYS = ['window', 'alpha', 'minPoints', 'confidenceLevel'] as const satisfies ReadonlyArray<keyof DriftOptions>;

/** A gradual trend over the newest window. */
export interface Drift {
  readonly status: 'increasing' | 'decreasing' | 'no-drift' | 'insufficient-data';
  readonly reason?: string;
  /** Original index of the first point of the window and the number of finite points in it. */
  readonly window: { readonly start: number; readonly n: number };
  /** Theil–Sen slope per observation. */
  readonly slope: number;
  /** Sen's distribution-free interval of the slope. */
  readonly slopeInterval: [number, number];
  /** slope × (n − 1) / |median|: the relative change across the window. */
  readonly relativeChange: number;
  /** Mann–Kendall S statistic and its tie-corrected two-sided p-value. */
  readonly s: number;
  readonly pValue: number;
  /** Probability that the drift is real. */
  readonly confidence: number;
}

/**
 * Detects a gradual drift over the newest `window` points with the Mann–Kendall trend test (tie-corrected
 * normal approximation with continuity correction) and estimates it with the Theil–Sen slope and Sen's
 * interval (both from the stats module: O(n log n), so a large window is fine). Catches slow slowdowns that
 * step detectors miss because no single run differs much.
 *
 * @throws {LearningError} INVALID_ARGUMENT when an option is out of range.
 * @example
 * detectDrift(Array.from({ length: 30 }, (_, i) => 100 + i * 0.5 + (i % 3))).status; // 'increasing'
 * @see H. B. Mann, Econometrica 13 (1945); M. G. Kendall, Rank Correlation Methods (1975).
 * @see P. K. Sen, "Estimates of the regression coefficient based on Kendall's tau", JASA 63 (1968).
 */
export function detectDrift(values: ReadonlyArray<number | null | undefined>, optionsInput: DriftOptions | null = {}): Drift {
  // null means no options; a misspelt key is refused instead of silently falling back to its default.
  const options: DriftOptions = checkOptions('detectDrift', optionsInput, DRIFT_OPTION_KEYS);
  const window = options.window ?? 30;
  const alpha = options.alpha ?? 0.01;
  const minPoints = options.minPoints ?? 8;
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  if (!(Number.isInteger(window) && window >= 3)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectDrift: window must be an integer ≥ 3, got ${window}`);
  if (!(Number.isInteger(minPoints) && minPoints >= 3)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectDrift: minPoints must be an integer ≥ 3, got ${minPoints}`);
  if (!(alpha > 0 && alpha < 1)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectDrift: alpha must be in (0, 1), got ${alpha}`);
  const { values: all, indices } = compact(values);
  const from = Math.max(0, all.length - window);
  const x = all.subarray(from);
  const pos = indices.subarray(from);
  const n = x.length;
  const start = n > 0 ? pos[0]! : 0;
  if (n < minPoints) {
    return {
      status: 'insufficient-data',
      reason: `need at least ${minPoints} finite values, got ${n}`,
      window: { start, n },
      slope: Number.NaN,
      slopeInterval: [Number.NaN, Number.NaN],
      relativeChange: Number.NaN,
      s: 0,
      pValue: 1,
      confidence: 0,
    };
  }
  // O(n log n) S and slope selection from the stats module, so large windows stay cheap. The normal
  // approximation (not the exact small-n distribution) keeps p-values on the scale the calibration was fitted on.
  const mk = mannKendall(x, { exact: false, alpha });
  const ts = theilSen(x, { x: Float64Array.from(pos), confidenceLevel });
  const s = mk.s;
  const pValue = mk.pValue;
  const slope = ts.slope;
  const med = sortedMedian(Float64Array.from(x).sort());
  const span = pos[n - 1]! - pos[0]!;
  const relativeChange = med !== 0 ? (slope * span) / Math.abs(med) : Number.NaN;
  const significant = pValue < alpha && slope !== 0;
  return {
    status: significant ? (s > 0 ? 'increasing' : 'decreasing') : 'no-drift',
    window: { start, n },
    slope,
    slopeInterval: [ts.lowSlope ?? Number.NaN, ts.highSlope ?? Number.NaN],
    relativeChange,
    s,
    pValue,
    confidence: calibrate(DRIFT_CALIBRATION, pValueScore(pValue)),
  };
}
