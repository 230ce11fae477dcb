import { LearningError, LearningErrorCode } from '../errors.js';
import { compact, normalQuantile } from './internal/numeric.js';
import { checkOptions } from '../options.js';

/**
 * Which exponential-smoothing model {@link forecast} fits.
 * - `'holt'`: Holt's linear trend, ETS(A,A,N) — the trend continues for ever.
 * - `'damped'`: additive damped trend, ETS(A,Ad,N) — the trend flattens out by a factor φ per step.
 * - `'ses'`: simple exponential smoothing, ETS(A,N,N) — a level and no trend.
 * - `'auto'`: fits all three and keeps the one with the smallest AICc (FPP3 §8.6, as R's `forecast::ets`).
 */
export type ForecastModel = 'auto' | 'holt' | 'damped' | 'ses';

/** Options of {@link forecast}. */
export interface ForecastOptions {
  /** Number of future steps in `points`. @default 10 */
  readonly horizon?: number;
  /** Coverage of the prediction intervals. @default 0.95 */
  readonly level?: number;
  /** Farthest step `stepsUntil` looks at. @default 10000 */
  readonly maxSteps?: number;
  /** Model to fit; see {@link ForecastModel}. @default 'auto' ('holt' when `alpha` is fixed) */
  readonly model?: ForecastModel;
  /**
   * How prediction intervals are formed: `'empirical'` from the model's own past h-step errors on this series
   * (a conformal-style quantile, so heavy tails and jumps widen them), falling back to `'normal'` while the series
   * is too short; `'normal'`: Gaussian errors with the model's closed-form h-step variance. @default 'empirical'
   */
  readonly interval?: 'empirical' | 'normal';
  /** Fix the level smoothing parameter instead of fitting it (0 < alpha < 1); needs a model other than 'auto'. */
  readonly alpha?: number;
  /** Fix the trend smoothing parameter instead of fitting it (0 ≤ beta ≤ alpha); requires `alpha`. */
  readonly beta?: number;
  /** Fix the damping factor of the 'damped' model (0 < phi < 1); requires `alpha` and `beta`. */
  readonly phi?: number;
}

/** The keys of {@link ForecastOptions}, for checkOptions. */
const FORECAST_OPTION_KEYS = ['horizon', 'level', 'maxSteps', 'model', 'interval', 'alpha', 'beta', 'phi'] as const satisfies ReadonlyArray<keyof ForecastOptions>;

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

/** An exponential-smoothing forecast with prediction intervals. */
export interface Forecast {
  /** The model that produced it (never 'auto': the one 'auto' chose). */
  readonly model: Exclude<ForecastModel, 'auto'>;
  /** Smoothed level at the last observation. */
  readonly level: number;
  /** Smoothed trend per step at the last observation (0 for 'ses'). */
  readonly trend: number;
  /** Fitted smoothing parameters (error-correction form: ℓ += α e, b += β e; β = 0 for 'ses'). */
  readonly alpha: number;
  readonly beta: number;
  /** Damping factor: the trend is multiplied by φ each step (1 for 'holt' and 'ses'). */
  readonly phi: number;
  /** Least-squares initial state, before the first observation (trend 0 for 'ses'). */
  readonly initialLevel: number;
  readonly initialTrend: number;
  /** Residual standard deviation σ of one-step errors. */
  readonly sigma: number;
  /** Corrected Akaike information criterion of the fit (NaN when the series is too short to have one). */
  readonly aicc: number;
  readonly points: ForecastPoint[];
  /** Number of finite observations the model was fitted on. */
  readonly n: number;
  /**
   * Steps until the forecast crosses `threshold` in the direction of the trend, or undefined if it never does
   * within `maxSteps` (flat trend, moving away from it, or a damped trend that levels off before it).
   */
  stepsUntil(threshold: number): Crossing | undefined;
}

type Model = Exclude<ForecastModel, 'auto'>;

interface Params {
  alpha: number;
  beta: number;
  phi: number;
}

interface Fit extends Params {
  sse: number;
  /** State at the last observation. */
  level: number;
  trend: number;
  /** Least-squares initial state (before the first observation). */
  l0: number;
  b0: number;
}

/**
 * One-step errors of ETS(A,Ad,N) in error-correction form (φ = 1 is Holt; β = 0 and no initial trend is SES),
 * with the initial state (ℓ0, b0) that minimises their sum of squares for these smoothing parameters.
 * For fixed α, β, φ every one-step error is affine in (ℓ0, b0): e_t = c_t − δℓ·u_t − δb·v_t, where c_t are the
 * errors from the heuristic start (`guess`) and u_t, v_t the responses of the filter with no input to a unit
 * initial level and trend. One pass accumulates the 2 × 2 normal equations, so the initial state is estimated
 * exactly (as R's `forecast::ets` estimates it by optimisation) at three times the cost of a plain run.
 * Starting from the heuristic keeps c_t small, so Σc² − … does not cancel catastrophically.
 */
function run(x: Float64Array, p: Params, guess: { l0: number; b0: number }, trendless: boolean): Fit {
  const { alpha, beta, phi } = p;
  let l = guess.l0;
  let b = trendless ? 0 : guess.b0;
  let ul = 1; // response to a unit initial level
  let ub = 0;
  let vl = 0; // response to a unit initial trend
  let vb = 1;
  let scc = 0;
  let scu = 0;
  let scv = 0;
  let suu = 0;
  let suv = 0;
  let svv = 0;
  for (let t = 0; t < x.length; t++) {
    const c = x[t]! - (l + phi * b);
    const u = ul + phi * ub;
    const v = vl + phi * vb;
    scc += c * c;
    scu += c * u;
    scv += c * v;
    suu += u * u;
    suv += u * v;
    svv += v * v;
    l = l + phi * b + alpha * c;
    b = phi * b + beta * c;
    ul = ul + phi * ub - alpha * u;
    ub = phi * ub - beta * u;
    vl = vl + phi * vb - alpha * v;
    vb = phi * vb - beta * v;
  }
  let dl = 0;
  let db = 0;
  const det = suu * svv - suv * suv;
  if (!trendless && det > 1e-12 * suu * svv) {
    dl = (scu * svv - scv * suv) / det;
    db = (scv * suu - scu * suv) / det;
  } else if (suu > 0) {
    dl = scu / suu;
  }
  const sse = Math.max(0, scc - 2 * dl * scu - 2 * db * scv + dl * dl * suu + 2 * dl * db * suv + db * db * svv);
  return {
    sse,
    level: l + dl * ul + db * vl,
    trend: trendless ? 0 : b + dl * ub + db * vb,
    l0: guess.l0 + dl,
    b0: (trendless ? 0 : guess.b0) + db,
    alpha,
    beta,
    phi,
  };
}

/** Damping factors are kept in [0.8, 0.98]: below, the trend vanishes in a few steps; above, it is Holt (FPP3 §8.2). */
const PHI_MIN = 0.8;
const PHI_MAX = 0.98;

/** Fitted parameters counted by AICc: smoothing parameters, initial states and σ (as R's `forecast::ets`). */
const PARAMETERS: Record<Model, number> = { ses: 3, holt: 5, damped: 6 };

function admissible(model: Model, p: Params): boolean {
  if (!(p.alpha > 0 && p.alpha < 1)) return false;
  if (model === 'ses') return p.beta === 0 && p.phi === 1;
  if (!(p.beta > 0 && p.beta <= p.alpha)) return false;
  return model === 'holt' ? p.phi === 1 : p.phi >= PHI_MIN && p.phi <= PHI_MAX;
}

/**
 * Least-squares smoothing parameters: a coarse grid, then coordinate descent with shrinking steps inside the
 * admissible region (0 < β ≤ α < 1, φ in [0.8, 0.98]). The one-step SSE is smooth but not convex in the
 * parameters; the grid keeps the descent away from poor local minima at the region's edges.
 */
function fitParams(model: Model, x: Float64Array, guess: { l0: number; b0: number }): Fit {
  const start: Params = { alpha: 0.5, beta: model === 'ses' ? 0 : 0.1, phi: model === 'damped' ? 0.9 : 1 };
  const trendless = model === 'ses';
  let best = run(x, start, guess, trendless);
  const phis = model === 'damped' ? [0.8, 0.85, 0.9, 0.95, 0.98] : [1];
  for (const phi of phis) {
    for (let a = 0.05; a < 1; a += 0.1) {
      const betas = model === 'ses' ? [0] : [];
      if (model !== 'ses') for (let b = 0; b <= a + 1e-12; b += 0.1) betas.push(Math.max(b, 1e-4));
      for (const beta of betas) {
        const f = run(x, { alpha: a, beta, phi }, guess, trendless);
        if (f.sse < best.sse) best = f;
      }
    }
  }
  const axes: Array<keyof Params> = model === 'ses' ? ['alpha'] : model === 'holt' ? ['alpha', 'beta'] : ['alpha', 'beta', 'phi'];
  for (let step = 0.025; step > 1e-4; step /= 2) {
    let improved = true;
    while (improved) {
      improved = false;
      for (const axis of axes) {
        for (const d of [step, -step]) {
          const p: Params = { alpha: best.alpha, beta: best.beta, phi: best.phi };
          p[axis] += d;
          if (!admissible(model, p)) continue;
          const f = run(x, p, guess, trendless);
          if (f.sse < best.sse) {
            best = f;
            improved = true;
          }
        }
      }
    }
  }
  return best;
}

/**
 * AICc of an ETS fit with additive Gaussian errors on its n one-step errors:
 * n·log(SSE/n) + 2k + 2k(k + 1)/(n − k − 1), k as in {@link PARAMETERS}; NaN when n ≤ k + 1.
 */
function aiccOf(model: Model, sse: number, n: number, scale: number): number {
  const m = n;
  const k = PARAMETERS[model];
  if (m - k - 1 <= 0) return Number.NaN;
  // A perfect fit has log(0) = −∞, and two perfect fits differ only by rounding: errors below 1e-12 of the
  // data's magnitude count as exact, so the penalty, not the rounding, decides between them.
  const s = Math.max(sse / m, (1e-12 * scale) ** 2);
  return m * Math.log(s) + 2 * k + (2 * k * (k + 1)) / (m - k - 1);
}

/** Farthest step with empirical intervals; beyond it the last empirical ÷ Gaussian width ratio carries on. */
const EMPIRICAL_MAX_STEP = 50;
/** Origins before this many observations are skipped: the initial state is still settling. */
const EMPIRICAL_WARM_UP = 5;

/**
 * Absolute in-sample h-step errors |x[t+h] − ŷ(t+h | t)| of the fitted model from every origin after the warm-up,
 * for h = 1..EMPIRICAL_MAX_STEP (index h of the result).
 */
function pastErrors(x: Float64Array, fit: Fit): Float64Array[] {
  const n = x.length;
  const maxH = Math.min(EMPIRICAL_MAX_STEP, n - 1 - EMPIRICAL_WARM_UP);
  const errors: number[][] = Array.from({ length: Math.max(0, maxH) + 1 }, () => []);
  let l = fit.l0;
  let b = fit.b0;
  for (let t = 0; t < n - 1; t++) {
    const e = x[t]! - (l + fit.phi * b);
    l = l + fit.phi * b + fit.alpha * e;
    b = fit.phi * b + fit.beta * e;
    if (t + 1 < EMPIRICAL_WARM_UP) continue;
    let damp = 0;
    let power = 1;
    for (let h = 1; h <= maxH && t + h < n; h++) {
      power *= fit.phi;
      damp += power;
      errors[h]!.push(Math.abs(x[t + h]! - (l + damp * b)));
    }
  }
  return errors.map((e) => Float64Array.from(e).sort());
}

/**
 * Split-conformal quantile of absolute errors: the ⌈(m + 1)·level⌉-th smallest of m (Vovk et al. 2005;
 * Lei et al. 2018), NaN when m is too small for that rank to exist (m < level / (1 − level)).
 */
function conformalQuantile(sortedAbsErrors: Float64Array | undefined, level: number): number {
  if (!sortedAbsErrors) return Number.NaN;
  const m = sortedAbsErrors.length;
  const rank = Math.ceil((m + 1) * level - 1e-9);
  return rank <= m ? sortedAbsErrors[rank - 1]! : Number.NaN;
}

/**
 * Exponential-smoothing forecast with prediction intervals. By default (`model: 'auto'`) it fits simple
 * exponential smoothing ETS(A,N,N), Holt's linear trend ETS(A,A,N) and the additive damped trend ETS(A,Ad,N)
 * (Gardner & McKenzie 1985) and keeps the one with the smallest AICc (FPP3 §8.6); `model` fixes one. Parameters minimise the
 * one-step sum of squared errors, and for each candidate the initial level and trend are their exact
 * least-squares values. The h-step variance is σ²(1 + Σ_{j=1}^{h−1} c_j²) with c_j = α + β(φ + … + φ^j), which is
 * FPP3 Table 8.8's closed form for each of the three models.
 *
 * @throws {LearningError} INVALID_ARGUMENT when `horizon` < 1, `level` is not in (0, 1), `model` is unknown,
 *   fixed parameters are outside their ranges or do not fit the model, or there is no finite value.
 * @example
 * const f = forecast([50, 51, 52, 53, 54, 55, 56, 57]);
 * f.stepsUntil(60)?.steps; // 3
 * @see R. J. Hyndman & G. Athanasopoulos, Forecasting: Principles and Practice, 3rd ed. (2021), §8.2, §8.6, Table 8.8.
 * @see C. C. Holt, "Forecasting seasonals and trends by exponentially weighted moving averages" (1957).
 * @see E. S. Gardner & E. McKenzie, "Forecasting trends in time series", Management Science 31 (1985).
 */
export function forecast(values: ReadonlyArray<number | null | undefined>, optionsInput: ForecastOptions | null = {}): Forecast {
  // null means no options; a misspelt key is refused instead of silently falling back to its default.
  const options: ForecastOptions = checkOptions('forecast', optionsInput, FORECAST_OPTION_KEYS);
  const horizon = options.horizon ?? 10;
  const level = options.level ?? 0.95;
  const maxSteps = options.maxSteps ?? 10_000;
  const fixed = options.alpha !== undefined;
  // Fixed smoothing parameters describe a particular model; without one they mean Holt's (as before 'auto').
  const requested = options.model ?? (fixed ? 'holt' : 'auto');
  const interval = options.interval ?? 'empirical';
  const bad = (message: string): LearningError => new LearningError(LearningErrorCode.INVALID_ARGUMENT, `forecast: ${message}`);
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw bad(`horizon must be an integer ≥ 1, got ${horizon}`);
  if (!(level > 0 && level < 1)) throw bad(`level must be in (0, 1), got ${level}`);
  if (!['auto', 'holt', 'damped', 'ses'].includes(requested)) throw bad(`model must be 'auto', 'holt', 'damped' or 'ses', got ${String(requested)}`);
  if (interval !== 'empirical' && interval !== 'normal') throw bad(`interval must be 'empirical' or 'normal', got ${String(interval)}`);
  const { values: x } = compact(values);
  const n = x.length;
  if (n === 0) throw bad('values hold no finite number; record some metrics first');
  if (fixed) {
    if (requested === 'auto') throw bad("fixed alpha/beta/phi need a model ('holt', 'damped' or 'ses'), not 'auto'");
    if (!(options.alpha > 0 && options.alpha < 1)) throw bad(`alpha must be in (0, 1), got ${options.alpha}`);
  }
  if (options.beta !== undefined && !(fixed && requested !== 'ses' && options.beta >= 0 && options.beta <= options.alpha)) {
    throw bad(`beta must be in [0, alpha], needs alpha and a trend model, got beta ${options.beta}`);
  }
  if (options.phi !== undefined && !(requested === 'damped' && fixed && options.beta !== undefined && options.phi > 0 && options.phi < 1)) {
    throw bad(`phi must be in (0, 1) and needs model 'damped' with alpha and beta, got phi ${options.phi}`);
  }
  let maxAbs = 0;
  for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(x[i]!));
  const m = Math.min(n, 5);
  const slope0 = m > 1 ? (x[m - 1]! - x[0]!) / (m - 1) : 0;
  const fitModel = (model: Model): Fit & { model: Model; aicc: number } => {
    const guess = { l0: x[0]!, b0: model === 'ses' ? 0 : slope0 };
    const trendless = model === 'ses';
    let fit: Fit;
    if (fixed) {
      const alpha = options.alpha;
      const beta = model === 'ses' ? 0 : (options.beta ?? Math.min(0.1, alpha));
      fit = run(x, { alpha, beta, phi: model === 'damped' ? (options.phi ?? 0.9) : 1 }, guess, trendless);
    } else if (n >= 3) {
      fit = fitParams(model, x, guess);
    } else {
      fit = run(x, { alpha: 0.5, beta: model === 'ses' ? 0 : 0.1, phi: model === 'damped' ? 0.9 : 1 }, guess, trendless);
    }
    return { ...fit, model, aicc: aiccOf(model, fit.sse, n, maxAbs) };
  };
  let chosen: ReturnType<typeof fitModel>;
  if (requested === 'auto') {
    const fits = (['ses', 'holt', 'damped'] as const).map(fitModel).filter((f) => Number.isFinite(f.aicc));
    // Too short for any AICc: Holt, as without 'auto' (its interval reflects the little that is known).
    chosen = fits.length ? fits.reduce((a, b) => (b.aicc < a.aicc ? b : a)) : fitModel('holt');
  } else {
    chosen = fitModel(requested);
  }
  const { alpha, beta, phi, model } = chosen;
  // σ² = SSE / (n − fitted parameters other than σ), as R's `forecast::ets`.
  const dof = Math.max(1, n - (PARAMETERS[model] - 1));
  const sigma = n >= 3 ? Math.sqrt(chosen.sse / dof) : 0;
  const z = normalQuantile(0.5 + level / 2);
  const lastLevel = chosen.level;
  const trend = chosen.trend;
  // Forecast means and Gaussian standard deviations for h = 1..H, with the running sums of φ^i and c_j².
  const moments = (until: number): { mean: Float64Array; sd: Float64Array } => {
    const mean = new Float64Array(until + 1);
    const sd = new Float64Array(until + 1);
    let damp = 0; // φ + φ² + … + φ^h
    let power = 1;
    let sumC2 = 0; // Σ_{j=1}^{h−1} c_j²
    for (let h = 1; h <= until; h++) {
      power *= phi;
      damp += power;
      mean[h] = lastLevel + damp * trend;
      sd[h] = sigma * Math.sqrt(1 + sumC2);
      const c = alpha + beta * damp;
      sumC2 += c * c;
    }
    return { mean, sd };
  };
  const empirical = interval === 'empirical' ? pastErrors(x, chosen) : undefined;
  /** Interval half-widths for h = 1..until: the conformal quantile of past h-step errors where there are enough. */
  const halfWidths = (sd: Float64Array, until: number): Float64Array => {
    const w = new Float64Array(until + 1);
    let ratio = 1; // empirical ÷ Gaussian width at the last step that had enough past errors
    for (let h = 1; h <= until; h++) {
      const gaussian = z * sd[h]!;
      const q = empirical ? conformalQuantile(empirical[h], level) : Number.NaN;
      if (Number.isFinite(q) && gaussian > 0) ratio = q / gaussian;
      w[h] = Math.max(Number.isFinite(q) ? q : gaussian * ratio, w[h - 1]!);
    }
    return w;
  };
  const { mean: mu, sd } = moments(horizon);
  const width = halfWidths(sd, horizon);
  const points: ForecastPoint[] = [];
  for (let h = 1; h <= horizon; h++) points.push({ step: h, mean: mu[h]!, lower: mu[h]! - width[h]!, upper: mu[h]! + width[h]! });
  return {
    model,
    level: lastLevel,
    trend,
    alpha,
    beta,
    phi,
    initialLevel: chosen.l0,
    initialTrend: chosen.b0,
    sigma,
    aicc: chosen.aicc,
    points,
    n,
    stepsUntil(threshold: number): Crossing | undefined {
      const up = threshold >= lastLevel;
      if ((up && threshold === lastLevel) || (!up && lastLevel <= threshold)) return { steps: 0, earliest: 0, latest: 0 };
      if (!(up ? trend > 0 : trend < 0)) return undefined;
      // Point forecast ℓ + b(φ + … + φ^h) reaches the threshold when that sum reaches r = (threshold − ℓ)/b.
      const r = (threshold - lastLevel) / trend;
      let steps: number;
      if (phi === 1) steps = Math.ceil(r);
      else {
        const rest = 1 - (r * (1 - phi)) / phi; // φ^h must fall to this
        if (!(rest > 0)) return undefined; // the damped trend levels off before the threshold
        steps = Math.ceil(Math.log(rest) / Math.log(phi) - 1e-9);
      }
      if (steps > maxSteps) return undefined;
      const look = Math.min(maxSteps, steps * 4 + 10);
      const { mean, sd: s } = moments(look);
      const w = halfWidths(s, look);
      let earliest: number | undefined;
      let latest: number | undefined;
      for (let h = 1; h <= look; h++) {
        const near = up ? mean[h]! + w[h]! : mean[h]! - w[h]!;
        const far = up ? mean[h]! - w[h]! : mean[h]! + w[h]!;
        if (earliest === undefined && (up ? near >= threshold : near <= threshold)) earliest = h;
        if (latest === undefined && (up ? far >= threshold : far <= threshold)) latest = h;
        if (earliest !== undefined && latest !== undefined) break;
      }
      return { steps: Math.max(1, steps), ...(earliest !== undefined ? { earliest } : {}), ...(latest !== undefined ? { latest } : {}) };
    },
  };
}
