import { detectAnomalies } from '../../detection/anomalies.js';
import { detectChangePoints } from '../../detection/change-points.js';
import { detectDrift } from '../../detection/drift.js';
import { ESTABLISHED_SHIFT_CALIBRATION, FORECAST_CALIBRATION } from '../../detection/calibration-tables.js';
import { calibrate, pValueScore } from '../../detection/calibration.js';
import { forecast, type Forecast } from '../../detection/forecast.js';
import { detectRegression } from '../../detection/regression.js';
import { normalCdf, normalQuantile } from '../../stats/distributions.js';
import type { AnomalyFinding, ForecastCrossing, InsightDetectors, ShiftFinding } from './detector-types.js';

const median = (xs: readonly number[]): number => {
  const s = Float64Array.from(xs).sort();
  const h = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/** Sum of absolute deviations from the median. */
const sad = (xs: readonly number[]): number => {
  const m = median(xs);
  let t = 0;
  for (const x of xs) t += Math.abs(x - m);
  return t;
};

/**
 * Does a straight line explain the window better than a single step? Compares the sum of absolute
 * residuals of the Theil–Sen line (level + slope) with that of the best one-step piecewise-median
 * fit (two levels + where the step is). A ramp fits the line better; a step, however placed in the
 * window, fits the step better. O(w² log w) for a window of w points (w ≤ 30 by default).
 */
function lineBeatsStep(w: readonly number[], slope: number): boolean {
  const intercept = median(w.map((y, i) => y - slope * i));
  let lineSar = 0;
  for (let i = 0; i < w.length; i++) lineSar += Math.abs(w[i]! - (intercept + slope * i));
  let stepSar = Infinity;
  for (let k = 2; k <= w.length - 2; k++) stepSar = Math.min(stepSar, sad(w.slice(0, k)) + sad(w.slice(k)));
  return lineSar < stepSar;
}

/** detectRegression's default `minBaseline`: fewest runs a level needs before it is tested as a baseline. */
const REGRESSION_MIN_BASELINE = 10;
/** detectRegression's default `alpha`. */
const REGRESSION_ALPHA = 0.002;

/**
 * Runs a level shift stays news: the newest change point is reported while its new level has at most this many
 * runs. The default drift window, so a user who looks at insights once in that many runs still hears of a step.
 */
const ESTABLISHED_SHIFT_RUNS = 30;

/**
 * The newest significant change point, as a shift, while its new level has at most ESTABLISHED_SHIFT_RUNS runs.
 * - Up to REGRESSION_MIN_BASELINE runs (source 'change-point'): in a short history (12 runs, a step at run 7)
 *   the regression test has either too few baseline runs or a baseline that already holds the new level, so it
 *   cannot see the step; the change point test (Pettitt + robust t, calibrated on its own) can.
 * - After that (source 'established'): the new level is the regression test's baseline, so new runs are no
 *   longer tested against the old one and `check` does not fail on the step for ever; the step is still
 *   reported, as a past change, so a user who reads insights late learns of it.
 */
function newestChangePoint(values: readonly number[]): ShiftFinding | undefined {
  const cps = detectChangePoints(values);
  const c = cps.at(-1);
  // The change point must pass the regression test's own significance level (its default alpha): the change
  // point test's 0.05 is for segmenting a history, and recent change points that weak are mostly noise here.
  if (!c || c.after === c.before || !(c.pValue < REGRESSION_ALPHA)) return undefined;
  const currentN = values.length - c.index;
  if (currentN > ESTABLISHED_SHIFT_RUNS) return undefined;
  const previous = cps.at(-2)?.index ?? 0;
  const established = currentN > REGRESSION_MIN_BASELINE;
  return {
    direction: c.after > c.before ? 'increase' : 'decrease',
    pValue: c.pValue,
    // A change point whose new level has held for over 10 runs is real more often than one of the same p-value
    // anywhere in a history: its own map (bench/calibration-fit.ts) says how much more.
    confidence: established ? calibrate(ESTABLISHED_SHIFT_CALIBRATION, pValueScore(c.pValue)) : c.confidence,
    baselineMedian: c.before,
    currentMedian: c.after,
    baselineN: c.index - previous,
    currentN,
    relativeChange: c.relativeChange,
    changeIndex: c.index,
    source: established ? 'established' : 'change-point',
  };
}

/**
 * The forecast rule's finding for one budget, from a forecast made with at least `horizon` points: the point
 * forecast must cross `limit` within `horizon` runs in the bound's direction. `probability` is P(the value
 * `horizon` runs ahead is past the limit) under a normal predictive distribution as wide as the forecast's 95%
 * interval there; `confidence` is that probability through FORECAST_CALIBRATION (fitted by
 * bench/calibration-fit.ts), because forecasts that cross a budget are selected for overshooting trends and
 * their raw probabilities overstate (bench/forecast-calibration.ts).
 */
export function crossingOf(f: Forecast, limit: number, bound: 'max' | 'min', horizon: number): ForecastCrossing | undefined {
  const crossing = f.stepsUntil(limit);
  if (!crossing || crossing.steps < 1 || crossing.steps > horizon) return undefined;
  // The crossing must be in the direction of the bound: a max is crossed going up.
  if ((bound === 'max') !== f.trend > 0) return undefined;
  const end = f.points[horizon - 1]!;
  const sd = (end.upper - end.mean) / normalQuantile(0.975);
  const z = sd > 0 ? (end.mean - limit) / sd : end.mean > limit ? Infinity : -Infinity;
  const probability = bound === 'max' ? normalCdf(z) : normalCdf(-z);
  return {
    runsAhead: crossing.steps,
    predicted: f.points[crossing.steps - 1]!.mean,
    probability,
    confidence: calibrate(FORECAST_CALIBRATION, probability),
    pValue: null,
    method: f.model, // the exponential-smoothing model forecast's 'auto' chose: 'ses', 'holt' or 'damped'
  };
}

/** The statistics of `../../detection`, shaped for the built-in rules. */
export const defaultDetectors: InsightDetectors = {
  minimumPoints: {
    // The change point fallback needs two segments of minSegmentLength (5) runs: a step shows once it has held
    // for 5 runs after 5 steady ones. (detectRegression's own windows need 15: 10 baseline runs + 5.)
    shift: 10,
    drift: 8, // detectDrift's minPoints
    anomaly: 9, // detectAnomalies' minBaseline (8) before the newest run
  },
  shift(values) {
    const r = detectRegression(values);
    if (r.status !== 'increase' && r.status !== 'decrease') return newestChangePoint(values);
    return {
      direction: r.status,
      pValue: r.pValue,
      confidence: r.confidence,
      baselineMedian: r.baseline.median,
      currentMedian: r.current.median,
      baselineN: r.baseline.n,
      currentN: r.current.n,
      relativeChange: Number.isFinite(r.relativeShift)
        ? r.relativeShift
        : r.baseline.median === 0
          ? Number.NaN
          : (r.current.median - r.baseline.median) / Math.abs(r.baseline.median),
      changeIndex: values.length - r.current.n,
      relativeInterval: r.relativeInterval,
      source: 'regression',
    };
  },

  recentAnomalies(values) {
    const n = values.length;
    // The newest run with `recent: 1`, exactly as before. The run before it with `recent: 2`: its baseline then
    // ends where it ended when that run was the newest, so its |z| is the one reported last time and only the
    // confidence map changes, now that the next run can tell a one-off spike from a level shift starting.
    // Unconfirmed older runs are left out: they were reported (or not) when they were the newest, and the
    // detector's unconfirmed older runs are mostly noise (docs/detection.md, "Anomalies").
    const settled = n >= 2 ? detectAnomalies(values, { recent: 2 }).find((x) => x.index === n - 2 && x.confirmed) : undefined;
    const newest = detectAnomalies(values).find((x) => x.index === n - 1);
    const out: AnomalyFinding[] = [];
    for (const a of [settled, newest]) {
      if (!a) continue;
      out.push({
        index: a.index,
        value: a.value,
        expected: a.expected,
        score: a.score,
        model: a.model,
        direction: a.direction > 0 ? 'increase' : 'decrease',
        pValue: a.pValue,
        confidence: a.confidence,
        confirmed: a.confirmed,
      });
    }
    return out;
  },

  drift(values, window) {
    const d = detectDrift(values, { window });
    if (d.status !== 'increasing' && d.status !== 'decreasing') return undefined;
    const w = values.slice(values.length - d.window.n);
    // A single step inside the window makes Mann–Kendall significant too; that is a shift, not a drift.
    if (!lineBeatsStep(w, d.slope)) return undefined;
    const intercept = median(w.map((y, i) => y - d.slope * i));
    return {
      direction: d.status === 'increasing' ? 'increase' : 'decrease',
      pValue: d.pValue,
      confidence: d.confidence,
      slopePerRun: d.slope,
      n: d.window.n,
      from: intercept,
      to: intercept + d.slope * (w.length - 1),
    };
  },

  forecastCrossings(values, budgets, horizon) {
    if (values.length < 3 || budgets.length === 0) return budgets.map(() => undefined);
    const f = forecast(values, { horizon }); // once per metric, however many budgets it has
    return budgets.map((b) => crossingOf(f, b.limit, b.bound, horizon));
  },
};
