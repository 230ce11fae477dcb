import { LearningError, LearningErrorCode } from '../errors.js';
import { compact, normalQuantile } from './internal/numeric.js';

/** Options of {@link forecast}. */
export interface ForecastOptions {
  /** Number of future steps in `points`. @default 10 */
  readonly horizon?: number;
  /** Coverage of the prediction intervals. @default 0.95 */
  readonly level?: number;
  /** Farthest step `stepsUntil` looks at. @default 10000 */
  readonly maxSteps?: number;
  /** Fix the level smoothing parameter instead of fitting it (0 < alpha < 1). */
  readonly alpha?: number;
  /** Fix the trend smoothing parameter instead of fitting it (0 < beta ≤ alpha); requires `alpha`. */
  readonly beta?: number;
}

/** One forecast step. */
export interface ForecastPoint {
  /** Steps ahead of the last observation (1 = next run). */
  readonly step: number;
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
}

/** When the forecast crosses a threshold. */
export interface Crossing {
  /** Steps until the point forecast reaches the threshold (0 when the current level is already past it). */
  readonly steps: number;
  /** First step at which the prediction interval reaches the threshold (the soonest plausible crossing). */
  readonly earliest?: number;
  /** First step at which the whole interval is past the threshold; undefined when uncertainty grows faster. */
  readonly latest?: number;
}

/** Holt's linear-trend forecast with prediction intervals. */
export interface Forecast {
  /** Smoothed level at the last observation. */
  readonly level: number;
  /** Smoothed trend per step at the last observation. */
  readonly trend: number;
  /** Fitted smoothing parameters (error-correction form: ℓ += α e, b += β e). */
  readonly alpha: number;
  readonly beta: number;
  /** Residual standard deviation σ of one-step errors. */
  readonly sigma: number;
  readonly points: ForecastPoint[];
  /** Number of finite observations the model was fitted on. */
  readonly n: number;
  /**
   * Steps until the forecast crosses `threshold` in the direction of the trend, or undefined if it never does
   * within `maxSteps` (flat trend, or moving away from it).
   */
  stepsUntil(threshold: number): Crossing | undefined;
}

interface Fit {
  sse: number;
  level: number;
  trend: number;
}

function run(x: Float64Array, alpha: number, beta: number, l0: number, b0: number): Fit {
  let l = l0;
  let b = b0;
  let sse = 0;
  for (let t = 1; t < x.length; t++) {
    const e = x[t]! - (l + b);
    sse += e * e;
    l = l + b + alpha * e;
    b = b + beta * e;
  }
  return { sse, level: l, trend: b };
}

/**
 * Holt's linear trend method, ETS(A,A,N): the smoothing parameters minimise the one-step sum of squared
 * errors over 0 < β ≤ α < 1 (a grid, then coordinate refinement), the initial state is the first value and the
 * mean first difference of the first few values, and the prediction interval at step h uses
 * σ_h² = σ² [1 + (h − 1)(α² + αβh + β²h(2h − 1)/6)]. Holt rather than a regression line because CI metrics
 * drift and jump: the level adapts and the interval widens honestly with the horizon.
 *
 * @throws {LearningError} INVALID_ARGUMENT when `horizon` < 1, `level` is not in (0, 1), fixed parameters are
 *   outside 0 ≤ β ≤ α < 1, or there is no finite value.
 * @example
 * const f = forecast([50, 51, 52, 53, 54, 55, 56, 57]);
 * f.stepsUntil(60)?.steps; // 3
 * @see R. J. Hyndman & G. Athanasopoulos, Forecasting: Principles and Practice, 3rd ed. (2021), §8.2 and Table 8.8.
 * @see C. C. Holt, "Forecasting seasonals and trends by exponentially weighted moving averages" (1957).
 */
export function forecast(values: ReadonlyArray<number | null | undefined>, options: ForecastOptions = {}): Forecast {
  const horizon = options.horizon ?? 10;
  const level = options.level ?? 0.95;
  const maxSteps = options.maxSteps ?? 10_000;
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `forecast: horizon must be an integer ≥ 1, got ${horizon}`);
  if (!(level > 0 && level < 1)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `forecast: level must be in (0, 1), got ${level}`);
  const { values: x } = compact(values);
  const n = x.length;
  if (n === 0) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, 'forecast: values hold no finite number; record some metrics first');
  const fixed = options.alpha !== undefined;
  if (fixed && !(options.alpha > 0 && options.alpha < 1)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `forecast: alpha must be in (0, 1), got ${options.alpha}`);
  if (options.beta !== undefined && !(fixed && options.beta >= 0 && options.beta <= options.alpha)) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `forecast: beta must be in [0, alpha] and needs alpha, got beta ${options.beta}`);
  }
  const l0 = x[0]!;
  const m = Math.min(n, 5);
  const b0 = m > 1 ? (x[m - 1]! - x[0]!) / (m - 1) : 0;
  let alpha = options.alpha ?? 0.5;
  let beta = options.beta ?? (fixed ? Math.min(0.1, alpha) : 0.1);
  let best = run(x, alpha, beta, l0, b0);
  if (n >= 3 && !fixed) {
    for (let a = 0.05; a < 1; a += 0.05) {
      for (let b = 0.0; b <= a + 1e-12; b += 0.05) {
        const f = run(x, a, Math.max(b, 1e-4), l0, b0);
        if (f.sse < best.sse) {
          best = f;
          alpha = a;
          beta = Math.max(b, 1e-4);
        }
      }
    }
    // Coordinate refinement with shrinking steps inside the admissible region 0 < β ≤ α < 1.
    for (let step = 0.025; step > 1e-4; step /= 2) {
      let improved = true;
      while (improved) {
        improved = false;
        for (const [da, db] of [
          [step, 0],
          [-step, 0],
          [0, step],
          [0, -step],
        ] as const) {
          const a = alpha + da;
          const b = beta + db;
          if (!(a > 0 && a < 1 && b > 0 && b <= a)) continue;
          const f = run(x, a, b, l0, b0);
          if (f.sse < best.sse) {
            best = f;
            alpha = a;
            beta = b;
            improved = true;
          }
        }
      }
    }
  }
  const dof = Math.max(1, n - 1 - 2);
  const sigma = n >= 3 ? Math.sqrt(best.sse / dof) : 0;
  const z = normalQuantile(0.5 + level / 2);
  const sdAt = (h: number): number => sigma * Math.sqrt(1 + (h - 1) * (alpha * alpha + alpha * beta * h + (beta * beta * h * (2 * h - 1)) / 6));
  const meanAt = (h: number): number => best.level + h * best.trend;
  const points: ForecastPoint[] = [];
  for (let h = 1; h <= horizon; h++) {
    const mu = meanAt(h);
    const sd = sdAt(h);
    points.push({ step: h, mean: mu, lower: mu - z * sd, upper: mu + z * sd });
  }
  const lastLevel = best.level;
  const trend = best.trend;
  return {
    level: lastLevel,
    trend,
    alpha,
    beta,
    sigma,
    points,
    n,
    stepsUntil(threshold: number): Crossing | undefined {
      const up = threshold >= lastLevel;
      if ((up && threshold === lastLevel) || (!up && lastLevel <= threshold)) return { steps: 0, earliest: 0, latest: 0 };
      if (!(up ? trend > 0 : trend < 0)) return undefined;
      const steps = Math.ceil((threshold - lastLevel) / trend);
      if (steps > maxSteps) return undefined;
      let earliest: number | undefined;
      let latest: number | undefined;
      for (let h = 1; h <= Math.min(maxSteps, steps * 4 + 10); h++) {
        const mu = meanAt(h);
        const sd = sdAt(h);
        const near = up ? mu + z * sd : mu - z * sd;
        const far = up ? mu - z * sd : mu + z * sd;
        if (earliest === undefined && (up ? near >= threshold : near <= threshold)) earliest = h;
        if (latest === undefined && (up ? far >= threshold : far <= threshold)) latest = h;
        if (earliest !== undefined && latest !== undefined) break;
      }
      return { steps: Math.max(1, steps), ...(earliest !== undefined ? { earliest } : {}), ...(latest !== undefined ? { latest } : {}) };
    },
  };
}
