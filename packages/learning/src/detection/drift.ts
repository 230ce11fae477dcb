import { LearningError, LearningErrorCode } from '../errors.js';
import { calibrate, pValueScore } from './calibration.js';
import { DRIFT_CALIBRATION } from './calibration-tables.js';
import { compact, normalQuantile, sortedMedian, twoSidedP } from './internal/numeric.js';

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
 * interval. Catches slow slowdowns that step detectors miss because no single run differs much.
 *
 * @throws {LearningError} INVALID_ARGUMENT when an option is out of range.
 * @example
 * detectDrift(Array.from({ length: 30 }, (_, i) => 100 + i * 0.5 + (i % 3))).status; // 'increasing'
 * @see H. B. Mann, Econometrica 13 (1945); M. G. Kendall, Rank Correlation Methods (1975).
 * @see P. K. Sen, "Estimates of the regression coefficient based on Kendall's tau", JASA 63 (1968).
 */
export function detectDrift(values: ReadonlyArray<number | null | undefined>, options: DriftOptions = {}): Drift {
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
  // O(n²) pairs: windows are small; time uses the original positions so gaps stay honest.
  const slopes: number[] = [];
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = x[j]! - x[i]!;
      s += Math.sign(d);
      slopes.push(d / (pos[j]! - pos[i]!));
    }
  }
  const counts = new Map<number, number>();
  for (const v of x) counts.set(v, (counts.get(v) ?? 0) + 1);
  let tie = 0;
  for (const t of counts.values()) tie += t * (t - 1) * (2 * t + 5);
  const varS = (n * (n - 1) * (2 * n + 5) - tie) / 18;
  const z = varS > 0 ? (s - Math.sign(s)) / Math.sqrt(varS) : 0;
  const pValue = varS > 0 ? twoSidedP(z) : 1;
  const sorted = Float64Array.from(slopes).sort();
  const slope = sortedMedian(sorted);
  const N = sorted.length;
  const c = normalQuantile(0.5 + confidenceLevel / 2) * Math.sqrt(Math.max(varS, 0));
  const lo = Math.max(0, Math.min(N - 1, Math.round((N - c) / 2) - 1));
  const hi = Math.max(0, Math.min(N - 1, Math.round((N + c) / 2)));
  const med = sortedMedian(Float64Array.from(x).sort());
  const span = pos[n - 1]! - pos[0]!;
  const relativeChange = med !== 0 ? (slope * span) / Math.abs(med) : Number.NaN;
  const significant = pValue < alpha && slope !== 0;
  return {
    status: significant ? (s > 0 ? 'increasing' : 'decreasing') : 'no-drift',
    window: { start, n },
    slope,
    slopeInterval: [sorted[lo]!, sorted[hi]!],
    relativeChange,
    s,
    pValue,
    confidence: calibrate(DRIFT_CALIBRATION, pValueScore(pValue)),
  };
}
