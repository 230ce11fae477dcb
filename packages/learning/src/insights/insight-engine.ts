import { LearningError } from '../errors.js';
import type { MetricRecord } from '../record.js';
import {
  anomalyInsights,
  budgetInsights,
  BUILTIN_RULES,
  driftInsight,
  forecastInsights,
  insufficientDataInsight,
  notYetTestableInsight,
  lintInsight,
  shiftInsight,
  type BuiltinRuleName,
  type MetricView,
} from './builtin-rules.js';
import type { InsightContext, InsightRule, InsightTracker, InsightTrendOptions } from './insight-rule.js';
import { defaultDetectors } from './internal/detectors.js';
import type { InsightDetectors } from './internal/detector-types.js';
import { compareInsights, isFactKind, LearningInsight } from './learning-insight.js';
import { createPolarityRegistry, type Polarity, type PolarityRegistry } from './polarity.js';
import { EMPTY_POLICY, toPolicy, type LearningPolicy } from './policy.js';

/** Metric names starting with this prefix are reserved for autodev's own records (the feedback loop's findings). */
export const RESERVED_METRIC_PREFIX = 'autodev.';

/** Default `maxHistory`: the statistical rules analyze each metric's newest 1,000 points. */
export const DEFAULT_MAX_HISTORY = 1000;

/** Default `minConfidence`: an insight must be more likely real than not to be returned. */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

/** Options of {@link runInsightEngine}. */
export interface InsightEngineOptions<T extends InsightTracker = InsightTracker> {
  /**
   * Drop insights below this confidence. Insufficient-data insights have confidence 0, so pass
   * `minConfidence: 0` to see them ("need N more points").
   * @default 0.5
   */
  minConfidence?: number;
  /** Custom rules, run after the built-in ones (`tracker.addRule` collects them). @default [] */
  rules?: readonly InsightRule<T>[];
  /** Budgets and per-metric settings (see `parsePolicy`). @default no budgets */
  policy?: LearningPolicy;
  /** Which direction of each metric is good; a policy's `direction` entries are layered on top. @default createPolarityRegistry() */
  polarity?: PolarityRegistry;
  /** Only these metrics (the feedback loop passes an iteration's metrics). @default every metric of the tracker */
  names?: readonly string[];
  /** Which built-in rules run; `false` for none. @default all of BUILTIN_RULES */
  builtins?: boolean | readonly BuiltinRuleName[];
  /** Points a metric needs before the statistical rules run (a policy's `minSamples` wins per metric). @default 5 */
  minSamples?: number;
  /** Newest points tested for slow drift. @default 30 */
  trendWindow?: number;
  /** Runs ahead the forecast looks for a budget crossing. @default 10 */
  forecastHorizon?: number;
  /**
   * Newest points of each metric the statistical rules analyze (the regression baseline, the
   * forecast fit). Older runs barely matter to a CI verdict — Holt's weights decay geometrically and
   * a baseline of 1,000 runs is plenty for a rank test — and the cap keeps the cost per metric
   * bounded however long the history grows. `Infinity` analyzes everything.
   * @default 1000
   */
  maxHistory?: number;
  /** Clock, for `ctx.now`. @default Date.now */
  now?: () => number;
  /** @internal Replaces the statistics behind the built-in rules (tests). */
  detectors?: InsightDetectors;
}

const check = (ok: boolean, what: string) => {
  if (!ok) throw new LearningError('INVALID_ARGUMENT', what);
};
const isWhole = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min;

/** Metric names of a tracker, sorted, without the reserved `autodev.` prefix. */
export async function listMetricNames(tracker: InsightTracker): Promise<string[]> {
  let all: Iterable<string>;
  if (typeof tracker.names === 'function') all = await tracker.names();
  else {
    const seen = new Set<string>();
    for (const r of await tracker.getMetrics()) seen.add(r.name);
    all = seen;
  }
  return [...new Set(all)].filter((n) => !n.startsWith(RESERVED_METRIC_PREFIX)).sort();
}

function applyPolicyPolarity(base: PolarityRegistry, policy: LearningPolicy): PolarityRegistry {
  const directions: Record<string, Polarity> = {};
  for (const [metric, p] of Object.entries(policy.metrics)) if (p.direction) directions[metric] = p.direction;
  return Object.keys(directions).length === 0 ? base : base.with(directions);
}

/**
 * Runs the built-in insight rules on every metric of a tracker, then the custom rules, and
 * returns the insights at or above `minConfidence`, sorted by confidence (highest first), then
 * severity (budget breach, regression, lint errors, anomaly, trend/forecast, other).
 *
 * Built-in rules, per metric (docs/insights.md gives the statistics and the confidence of each):
 * - `insufficient-data`: fewer than `minSamples` points → "need N more" (confidence 0, so hidden by default);
 * - `shift`: the newest run(s) against the baseline segment since the last change point → regression,
 *   improvement (by the metric's polarity) or change (neutral polarity); confidence from the detector;
 * - `drift`: Mann–Kendall trend over the last `trendWindow` points that a single step does not explain;
 * - `anomaly`: the newest point is an outlier (robust z on median / MAD of its segment), and the point
 *   before it was a one-off spike when the newest run is back at the baseline (`evidence.confirmed`, with
 *   the higher confidence of a settled spike);
 * - `budget`: the latest value breaks a `<metric>_max` / `<metric>_min` budget (confidence 1: a fact);
 * - `forecast`: the exponential-smoothing forecast (model chosen by AICc) crosses a budget within `forecastHorizon` runs;
 * - `lint-errors`: a lint metric's latest value is above 0 (confidence 1: a fact).
 * Statistical rules run only on metrics with at least `minSamples` points. Metrics whose name
 * starts with `autodev.` are skipped.
 *
 * @throws {LearningError} INVALID_ARGUMENT when an option is out of range or a custom rule returns
 * something that is not an array of insights. Errors thrown by a custom rule propagate unchanged.
 * @example
 * const insights = await runInsightEngine(tracker, { minConfidence: 0.8, policy: parsePolicy({ performance: { test_duration_max: 60 } }) });
 * for (const i of insights) console.log(`[${i.category}] ${i.description}`);
 * @see docs/insights.md
 */
export async function runInsightEngine<T extends InsightTracker>(tracker: T, optionsInput: InsightEngineOptions<T> = {}): Promise<LearningInsight[]> {
  check(typeof tracker === 'object' && tracker !== null && typeof tracker.getMetrics === 'function' && typeof tracker.analyzeTrends === 'function',
    'runInsightEngine needs a tracker (a MetricsTracker, or an object with getMetrics and analyzeTrends)');
  const options: InsightEngineOptions<T> = optionsInput ?? {};
  check(typeof options === 'object' && !Array.isArray(options), `options must be an object such as { minConfidence: 0.8 }, got ${typeof options}`);
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  check(typeof minConfidence === 'number' && minConfidence >= 0 && minConfidence <= 1, `minConfidence must be a number in [0, 1], got ${String(minConfidence)}`);
  const minSamples = options.minSamples ?? 5;
  check(isWhole(minSamples, 3), `minSamples must be a whole number >= 3, got ${String(minSamples)}`);
  const trendWindow = options.trendWindow ?? 30;
  check(isWhole(trendWindow, 5), `trendWindow must be a whole number >= 5, got ${String(trendWindow)}`);
  const forecastHorizon = options.forecastHorizon ?? 10;
  check(isWhole(forecastHorizon, 1), `forecastHorizon must be a whole number >= 1, got ${String(forecastHorizon)}`);
  const maxHistory = options.maxHistory ?? DEFAULT_MAX_HISTORY;
  check(maxHistory === Infinity || isWhole(maxHistory, 20), `maxHistory must be a whole number >= 20 or Infinity, got ${String(maxHistory)}`);
  const rules = options.rules ?? [];
  check(Array.isArray(rules) && rules.every((r) => typeof r === 'function'), 'rules must be an array of functions (ctx) => LearningInsight[]');
  // The guide's raw automation_policy.yaml object is accepted too (it used to fail with a TypeError on policy.metrics).
  const policy = options.policy === undefined ? EMPTY_POLICY : toPolicy(options.policy);
  check(options.polarity === undefined || (typeof options.polarity === 'object' && options.polarity !== null && typeof options.polarity.polarityOf === 'function' && typeof options.polarity.with === 'function'),
    'polarity must be a registry from createPolarityRegistry({ ... })');
  // A string would be spread into its characters (names: 'test_duration' → metrics "t", "e", …) and silently find nothing.
  check(options.names === undefined || (Array.isArray(options.names) && options.names.every((n) => typeof n === 'string')),
    'names must be an array of metric names such as ["test_duration"]');
  check(options.now === undefined || typeof options.now === 'function', 'now must be a function returning epoch milliseconds');
  const polarity = applyPolicyPolarity(options.polarity ?? createPolarityRegistry(), policy);
  const builtins = new Set<BuiltinRuleName>(options.builtins === false ? [] : options.builtins === true || options.builtins === undefined ? BUILTIN_RULES : options.builtins);
  for (const b of builtins) check(BUILTIN_RULES.includes(b), `unknown built-in rule "${String(b)}"; use one of ${BUILTIN_RULES.join(', ')}`);
  const detectors = options.detectors ?? defaultDetectors;
  const now = (options.now ?? Date.now)();

  const names = options.names
    ? [...new Set(options.names)].filter((n) => !n.startsWith(RESERVED_METRIC_PREFIX)).sort()
    : await listMetricNames(tracker);

  const cache = new Map<string, Promise<readonly MetricRecord[]>>();
  const series = (name: string): Promise<readonly MetricRecord[]> => {
    let p = cache.get(name);
    if (!p) cache.set(name, (p = tracker.getMetrics(name)));
    return p;
  };
  const ctx: InsightContext<T> = {
    tracker,
    names,
    series,
    analyzeTrends: (name: string, o?: InsightTrendOptions) => tracker.analyzeTrends(name, o) as ReturnType<T['analyzeTrends']>,
    polarity,
    policy,
    now,
  };

  const out: LearningInsight[] = [];
  if (builtins.size > 0) {
    for (const name of names) {
      const records = await series(name);
      const metricPolicy = policy.metrics[name] ?? {};
      const m: MetricView = { name, records, values: records.map((r) => r.value), polarity: polarity.polarityOf(name), policy: metricPolicy };
      out.push(...runBuiltins(m, builtins, detectors, { minSamples: metricPolicy.minSamples ?? minSamples, trendWindow, forecastHorizon, maxHistory }));
    }
  }
  for (const rule of rules) {
    const produced: unknown = await rule(ctx);
    if (!Array.isArray(produced))
      throw new LearningError('INVALID_ARGUMENT', `custom insight rule ${rule.name || '(anonymous)'} must return an array of LearningInsight, got ${typeof produced}`);
    for (const item of produced as unknown[]) out.push(asInsight(item, rule.name));
  }
  return out.filter((i) => i.confidence >= minConfidence).sort(compareInsights);
}

/** Accepts insights from another loaded copy of the package (ESM and CJS) by rebuilding them. */
function asInsight(item: unknown, ruleName: string): LearningInsight {
  if (item instanceof LearningInsight) return item;
  if (typeof item === 'object' && item !== null) return new LearningInsight(item as ConstructorParameters<typeof LearningInsight>[0]);
  throw new LearningError('INVALID_ARGUMENT', `custom insight rule ${ruleName || '(anonymous)'} returned ${String(item)}; return LearningInsight objects`);
}

/**
 * @internal The built-in rules on one series, exactly as `runInsightEngine` runs them per metric
 * (for the calibration bench, which evaluates thousands of series prefixes without a tracker).
 */
export function builtinInsightsFor(
  name: string,
  values: readonly number[],
  options: { policy?: LearningPolicy; polarity?: PolarityRegistry; minSamples?: number; trendWindow?: number; forecastHorizon?: number; maxHistory?: number } = {},
): LearningInsight[] {
  const policy = options.policy ?? EMPTY_POLICY;
  const polarity = applyPolicyPolarity(options.polarity ?? createPolarityRegistry(), policy);
  const metricPolicy = policy.metrics[name] ?? {};
  const records = values.map((value, i) => ({ name, value, timestamp: i, metadata: {} }));
  const m: MetricView = { name, records, values, polarity: polarity.polarityOf(name), policy: metricPolicy };
  return runBuiltins(m, new Set(BUILTIN_RULES), defaultDetectors, {
    minSamples: metricPolicy.minSamples ?? options.minSamples ?? 5,
    trendWindow: options.trendWindow ?? 30,
    forecastHorizon: options.forecastHorizon ?? 10,
    maxHistory: options.maxHistory ?? DEFAULT_MAX_HISTORY,
  });
}

function runBuiltins(
  metric: MetricView,
  builtins: ReadonlySet<BuiltinRuleName>,
  detectors: InsightDetectors,
  s: { minSamples: number; trendWindow: number; forecastHorizon: number; maxHistory: number },
): LearningInsight[] {
  let m = metric;
  const out: LearningInsight[] = [];
  // Facts first: they need no minimum of data.
  const breaches = builtins.has('budget') ? budgetInsights(m) : [];
  out.push(...breaches);
  if (builtins.has('lint-errors') && !breaches.some((b) => b.evidence.bound === 'max')) {
    const lint = lintInsight(m);
    if (lint) out.push(lint);
  }
  if (m.values.length < s.minSamples) {
    const short = builtins.has('insufficient-data') ? insufficientDataInsight(m, s.minSamples) : undefined;
    if (short) out.push(short);
    return out;
  }
  // The statistical rules see the newest `maxHistory` points; facts above used the latest value.
  if (m.values.length > s.maxHistory) m = { ...m, values: m.values.slice(m.values.length - s.maxHistory) };
  let shift = builtins.has('shift') ? shiftInsight(m, detectors, metric.values.length - m.values.length) : undefined;
  // A ramp also makes the newest runs differ from the baseline, and a step makes Mann–Kendall
  // significant. The drift rule only fires when a line fits the window better than any single step,
  // so when both fire the series is a ramp and the trend is the finding.
  const drift = builtins.has('drift') ? driftInsight(m, detectors, s.trendWindow) : undefined;
  if (drift) {
    out.push(drift);
    shift = undefined;
  } else if (shift) out.push(shift);
  // A step at the newest runs also makes the newest point look unusual: one finding per cause. The spike the
  // newest run settled is left out with it: a shift or drift is the news then, and a shift may hold the spike.
  // An established shift is a past step (≥ 11 runs old): the newest runs are measured against its new level, so
  // an outlier among them is news of its own.
  const shiftIsNews = shift !== undefined && shift.evidence.source !== 'established';
  if (builtins.has('anomaly') && !shiftIsNews && !drift) out.push(...anomalyInsights(m, detectors, metric.values.length - m.values.length));
  if (builtins.has('forecast')) out.push(...forecastInsights(m, detectors, s.forecastHorizon));
  const foundSomething = out.some((i) => !isFactKind(i.kind));
  if (builtins.has('insufficient-data') && !foundSomething && detectors.minimumPoints) {
    const note = notYetTestableInsight(metric, detectors.minimumPoints);
    if (note) out.push(note);
  }
  return out;
}
