/**
 * The statistics the built-in rules stand on, as the rules need them. The default implementation
 * (`detectors.ts`) adapts the exported functions of `../../detection` and `../../stats`; keeping the
 * rules behind this seam lets the detection module evolve without touching rule logic.
 */

/** A level shift of the newest run(s) against the baseline segment. */
export interface ShiftFinding {
  readonly direction: 'increase' | 'decrease';
  readonly pValue: number;
  /** Calibrated probability that the shift is real. */
  readonly confidence: number;
  readonly baselineMedian: number;
  readonly currentMedian: number;
  readonly baselineN: number;
  readonly currentN: number;
  /** (current − baseline) / |baseline|. */
  readonly relativeChange: number;
  /** Index (in the series) of the first run of the new level. */
  readonly changeIndex: number;
  /** Interval of the relative change at 95%, when the detector provides one. */
  readonly relativeInterval?: readonly [number, number];
  /**
   * Which test found it: 'regression' (newest windows vs the baseline), 'change-point' (the newest change
   * point, when its new level is still too short to be tested as a window against a clean baseline) or
   * 'established' (the newest change point, whose new level has become the regression baseline: a past change,
   * still reported for a while so that it is not missed, but not a verdict on the newest run).
   * @default 'regression'
   */
  readonly source?: 'regression' | 'change-point' | 'established';
}

/** An outlier run: the newest one, or the one before it settled as a one-off spike by the newest. */
export interface AnomalyFinding {
  /** Index of the run in the series handed to the detector. */
  readonly index: number;
  readonly value: number;
  /** What the point was compared with (the robust centre). */
  readonly expected: number;
  /** Robust z-score (or the detector's score). */
  readonly score: number;
  /** 'count' when the baseline was discrete and the point was scored by the count model (Anomaly.model). */
  readonly model?: 'robust-z' | 'count';
  readonly direction: 'increase' | 'decrease';
  readonly pValue: number;
  readonly confidence: number;
  /**
   * True when the run after this one was back at the baseline, so this run was a one-off spike and its
   * confidence comes from the map fitted on such settled runs (higher for the same |z|). False for the newest
   * run, which may equally be the first run of a level shift.
   */
  readonly confirmed: boolean;
}

/** A gradual drift over the recent window (Mann–Kendall + Theil–Sen). */
export interface DriftFinding {
  readonly direction: 'increase' | 'decrease';
  readonly pValue: number;
  readonly confidence: number;
  /** Theil–Sen slope per run. */
  readonly slopePerRun: number;
  /** Points in the window tested. */
  readonly n: number;
  /** Level at the start and end of the window on the Theil–Sen line. */
  readonly from: number;
  readonly to: number;
}

/** When a forecast crosses a budget. */
export interface ForecastCrossing {
  /** Runs ahead at which the point forecast first crosses the limit. */
  readonly runsAhead: number;
  /** Point forecast at that step. */
  readonly predicted: number;
  /** Probability the value is past the limit `horizon` runs ahead, from the forecast's prediction interval. */
  readonly probability: number;
  /** That probability calibrated on the synthetic CI suite (what fraction of such claims came true). */
  readonly confidence: number;
  readonly pValue: number | null;
  readonly method: string;
}

/** A budget the forecast rule checks: a value `limit` that must not be crossed going up ('max') or down ('min'). */
export interface ForecastBudget {
  readonly limit: number;
  readonly bound: 'max' | 'min';
}

export interface InsightDetectors {
  /** Newest run(s) vs the baseline segment; undefined when no significant shift (or too little data). */
  shift(values: readonly number[]): ShiftFinding | undefined;
  /**
   * Outlier runs at the end of the series, oldest first: the run before the newest when the newest run settled
   * it as a one-off spike (`confirmed: true`), and the newest run when it is an outlier (`confirmed: false`).
   * Empty when neither.
   */
  recentAnomalies(values: readonly number[]): AnomalyFinding[];
  /** Significant drift over the recent window that a single step does not explain better; undefined when none. */
  drift(values: readonly number[], window: number): DriftFinding | undefined;
  /**
   * For each budget, the first crossing of its `limit` (bound 'max': going above; 'min': going below) within
   * `horizon` runs, or undefined; same order as `budgets`. One forecast serves every budget of the metric.
   */
  forecastCrossings(values: readonly number[], budgets: readonly ForecastBudget[], horizon: number): Array<ForecastCrossing | undefined>;
  /**
   * Fewest points with which each check can report anything at all, for the note that explains silence on a
   * short history (a check that cannot report yet is not evidence that nothing changed). Optional: without it,
   * no such note.
   */
  readonly minimumPoints?: { readonly shift: number; readonly drift: number; readonly anomaly: number };
}
