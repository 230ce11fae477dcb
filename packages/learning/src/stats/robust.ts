import { LearningError } from '../errors.js';
import { checkOptions } from '../options.js';
import { assertFiniteValues, medianInPlace, quantileSorted, sortedCopy, type NumericArray } from './descriptive.js';

/**
 * The consistency constant that makes the MAD estimate the standard deviation of normally
 * distributed data: 1 / Φ⁻¹(3/4) ≈ 1.4826 (R's `mad(x, constant = 1.4826)`).
 */
export const MAD_NORMAL_CONSISTENCY = 1.4826;

/** Options of {@link mad}. */
export interface MadOptions {
  /**
   * Center the deviations are measured from.
   * @default the median of `values`
   */
  center?: number;
  /**
   * Scale factor applied to the raw median absolute deviation.
   * @default 1.4826 ({@link MAD_NORMAL_CONSISTENCY}); 1 gives {@link medianAbsoluteDeviation}
   */
  constant?: number;
}

/**
 * Raw median absolute deviation: median(|xᵢ − center|), center defaulting to the median.
 * O(n) expected (two selections).
 * @throws {LearningError} INVALID_ARGUMENT on an empty array or a non-finite value or center.
 * @example medianAbsoluteDeviation([1, 1, 2, 2, 4, 6, 9]) // 1
 * @see F. R. Hampel, "The influence curve and its role in robust estimation", JASA 69 (1974) 383–393.
 */
export function medianAbsoluteDeviation(values: NumericArray, center?: number): number {
  return mad(values, { center, constant: 1 });
}

/**
 * Scaled median absolute deviation, a robust estimate of the standard deviation: its breakdown
 * point is 50% (half the values can be arbitrary outliers), against 0% for the sample standard
 * deviation. Matches R's `mad(x)` (constant 1.4826, center the median, low/high medians averaged).
 * @throws {LearningError} INVALID_ARGUMENT on an empty array, a non-finite value, center or constant.
 * @example mad([1, 1, 2, 2, 4, 6, 9]) // 1.4826
 * @see P. J. Rousseeuw & C. Croux, "Alternatives to the median absolute deviation", JASA 88
 * (1993) 1273–1283; R documentation of `stats::mad`.
 */
export function mad(values: NumericArray, optionsInput: MadOptions = {}): number {
  // null options were a TypeError, a misspelt key silently the default.
  const options = checkOptions<MadOptions>('mad', optionsInput, ['center', 'constant']);
  assertFiniteValues(values, 'mad');
  const { constant = MAD_NORMAL_CONSISTENCY } = options;
  if (!Number.isFinite(constant) || constant < 0)
    throw new LearningError('INVALID_ARGUMENT', `mad: constant must be a finite number >= 0, got ${String(constant)}`);
  if (options.center !== undefined && !Number.isFinite(options.center))
    throw new LearningError('INVALID_ARGUMENT', `mad: center must be a finite number, got ${String(options.center)}`);
  const scratch = Float64Array.from(values);
  const center = options.center ?? medianInPlace(scratch);
  return constant * madAround(scratch, center);
}

/** Raw MAD around `center`, overwriting `scratch` (any permutation of the values) with deviations. */
export function madAround(scratch: Float64Array, center: number): number {
  for (let i = 0; i < scratch.length; i++) scratch[i] = Math.abs(scratch[i]! - center);
  return medianInPlace(scratch);
}

/**
 * Interquartile range Q3 − Q1 with R's default (type 7) quantiles, as R's `IQR(x)`.
 * @throws {LearningError} INVALID_ARGUMENT on an empty array or a non-finite value.
 * @example iqr([1, 2, 3, 4, 5, 6, 7, 8]) // 3.5
 * @see R. J. Hyndman & Y. Fan (1996), definition 7.
 */
export function iqr(values: NumericArray): number {
  assertFiniteValues(values, 'iqr');
  const s = sortedCopy(values);
  return quantileSorted(s, 0.75) - quantileSorted(s, 0.25);
}
