import { LearningError, LearningErrorCode } from '../errors.js';
import { detectChangePoints } from './change-points.js';
import { compareSamples } from './compare-samples.js';
import { calibrate, pValueScore } from './calibration.js';
import { REGRESSION_CALIBRATION } from './calibration-tables.js';
import { compact, sortedMedian } from './internal/numeric.js';
import { checkOptions } from '../options.js';

/** Options of {@link detectRegression}. */
export interface RegressionOptions {
  /** Newest runs tested against the baseline: windows of the newest 3 and the newest `recent` runs are tried. @default 5 */
  readonly recent?: number;
  /** Fewest baseline runs before a verdict is attempted; below it the status is 'insufficient-data'. @default 10 */
  readonly minBaseline?: number;
  /**
   * Family-wise significance level over the tried windows. The default keeps false alarms on stable series
   * below 1 per 1,000 runs on the synthetic CI suite (see docs/detection.md). @default 0.002
   */
  readonly alpha?: number;
  /** Confidence level of the shift intervals. @default 0.95 */
  readonly confidenceLevel?: number;
}

/** The keys of {@link RegressionOptions}, for checkOptions. */
const REGRESSION_OPTION_KEYS = ['recent', 'minBaseline', 'alpha', 'confidenceLevel'] as const satisfies ReadonlyArray<keyof RegressionOptions>;

/** Verdict on the newest runs of a metric against its baseline. Direction-agnostic: callers apply polarity. */
export interface RegressionResult {
  readonly status: 'increase' | 'decrease' | 'no-change' | 'insufficient-data';
  /** Why the status is 'insufficient-data' (or other notes for humans). */
  readonly reason?: string;
  /** The baseline segment: first original index, size and median. */
  readonly baseline: { readonly start: number; readonly n: number; readonly median: number };
  /** The newest runs tested (the window size with the strongest evidence). */
  readonly current: { readonly n: number; readonly median: number };
  /** Hodges–Lehmann shift current − baseline. */
  readonly shift: number;
  /** shift / |baseline median|. */
  readonly relativeShift: number;
  readonly shiftInterval: [number, number];
  readonly relativeInterval: [number, number];
  /** Bonferroni-adjusted Mann–Whitney p-value over the tried window sizes. */
  readonly pValue: number;
  /** Probability that the shift is real. */
  readonly confidence: number;
}

/**
 * Tests whether the newest runs of a metric moved away from its baseline: the baseline is the segment since
 * the last significant change point before the newest runs and ends before the newest `recent` runs; the newest
 * 3 and the newest `recent` runs are each compared with it by a Mann–Whitney test (one baseline for both, so a
 * step that began 4 runs ago has no new-level run in it), and the smaller p-value, Bonferroni-adjusted, decides. The
 * shift is the Hodges–Lehmann estimate with its distribution-free interval. A single outlier cannot trigger it
 * (windows of ≥ 3 runs and rank statistics); a step ≥ 3 noise σ is reported within 5 runs 97–98% of the time.
 *
 * @throws {LearningError} INVALID_ARGUMENT when `recent` < 2, `minBaseline` < 3, or `alpha` is not in (0, 1).
 * @example
 * const r = detectRegression([10, 10.1, 9.9, 10, 10.2, 9.8, 10.1, 10, 9.9, 10.1, 10, 12, 12.1, 12.2, 11.9]);
 * r.status; // 'increase'
 * @see H. B. Mann & D. R. Whitney (1947); Hodges & Lehmann (1963); Pettitt (1979) for the baseline segmentation.
 */
export function detectRegression(values: ReadonlyArray<number | null | undefined>, optionsInput: RegressionOptions | null = {}): RegressionResult {
  // null means no options; a misspelt key is refused instead of silently falling back to its default.
  const options: RegressionOptions = checkOptions('detectRegression', optionsInput, REGRESSION_OPTION_KEYS);
  const recent = options.recent ?? 5;
  const minBaseline = options.minBaseline ?? 10;
  const alpha = options.alpha ?? 0.002;
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  if (!(Number.isInteger(recent) && recent >= 2)) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectRegression: recent must be an integer ≥ 2, got ${recent}`);
  }
  if (!(Number.isInteger(minBaseline) && minBaseline >= 3)) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectRegression: minBaseline must be an integer ≥ 3, got ${minBaseline}`);
  }
  if (!(alpha > 0 && alpha < 1)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectRegression: alpha must be in (0, 1), got ${alpha}`);
  const { values: x, indices } = compact(values);
  const n = x.length;
  const empty = (reason: string, start = 0, nb = 0, med = Number.NaN): RegressionResult => ({
    status: 'insufficient-data',
    reason,
    baseline: { start, n: nb, median: med },
    current: { n: 0, median: Number.NaN },
    shift: Number.NaN,
    relativeShift: Number.NaN,
    shiftInterval: [Number.NaN, Number.NaN],
    relativeInterval: [Number.NaN, Number.NaN],
    pValue: 1,
    confidence: 0,
  });
  if (n < minBaseline + 2) return empty(`need at least ${minBaseline + 2} finite values (baseline ${minBaseline} + 2 newest), got ${n}`);

  // The baseline starts at the last significant change before the newest runs, so an old, settled shift does not count.
  const head = Array.from(x.subarray(0, n - recent));
  const cps = detectChangePoints(head);
  let start = 0;
  for (let i = cps.length - 1; i >= 0; i--) {
    const c = cps[i]!;
    const pos = c.index; // `head` is already compacted, so this is a position in x
    if (n - recent - pos >= minBaseline) {
      start = pos;
      break;
    }
  }
  const kMax = Math.min(recent, n - start - minBaseline);
  if (kMax < 2) {
    const base = x.slice(start, n - 2).sort();
    return empty(`baseline since index ${indices[start]} holds ${n - start - 2} runs, need ${minBaseline}`, indices[start], base.length, sortedMedian(base));
  }
  // Two windows: 3 runs confirm a large step quickly, `recent` runs carry a smaller one; Bonferroni over both.
  const ks = [...new Set([Math.min(3, kMax), kMax])];
  const tries = ks.length;
  // Every window is tested against the same baseline, the one ending before the widest window starts. A step
  // that began between the two window starts (e.g. 4 runs ago) would otherwise put new-level runs into the
  // short window's baseline and hide itself; a baseline that stops before any candidate start cannot hold them.
  const baseline = Array.from(x.subarray(start, n - kMax));
  let best: { k: number; cmp: ReturnType<typeof compareSamples> } | undefined;
  for (const k of ks) {
    const cmp = compareSamples(baseline, Array.from(x.subarray(n - k)), { confidenceLevel, minSampleSize: 2 });
    if (!best || cmp.pValue < best.cmp.pValue) best = { k, cmp };
  }
  const { k, cmp } = best!;
  const pValue = Math.min(1, cmp.pValue * tries);
  const significant = pValue < alpha;
  return {
    status: !significant ? 'no-change' : cmp.shift > 0 || (cmp.shift === 0 && cmp.effectSize > 0) ? 'increase' : 'decrease',
    baseline: { start: indices[start]!, n: cmp.nA, median: cmp.medianA },
    current: { n: k, median: cmp.medianB },
    shift: cmp.shift,
    relativeShift: cmp.relativeShift,
    shiftInterval: cmp.shiftInterval,
    relativeInterval: cmp.relativeInterval,
    pValue,
    confidence: calibrate(REGRESSION_CALIBRATION, pValueScore(pValue)),
  };
}
