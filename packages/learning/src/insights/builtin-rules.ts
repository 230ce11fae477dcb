import type { MetricRecord } from '../record.js';
import type { AnomalyFinding, ForecastBudget, InsightDetectors } from './internal/detector-types.js';
import { LearningInsight, type InsightCategory, type InsightKind } from './learning-insight.js';
import { judgeChange, metricNameTokens, type Polarity } from './polarity.js';
import type { MetricPolicy } from './policy.js';

/** Names of the built-in rules, to pick a subset with `runInsightEngine(t, { builtins })`. */
export type BuiltinRuleName = 'insufficient-data' | 'shift' | 'drift' | 'anomaly' | 'budget' | 'forecast' | 'lint-errors';

/** Every built-in rule, in the order they run. */
export const BUILTIN_RULES: readonly BuiltinRuleName[] = Object.freeze([
  'insufficient-data',
  'shift',
  'drift',
  'anomaly',
  'budget',
  'forecast',
  'lint-errors',
]);

/** Settings of the built-in rules. */
export interface BuiltinRuleSettings {
  /** Points before the statistical rules run (a policy's `minSamples` overrides per metric). @default 5 */
  readonly minSamples: number;
  /** Newest points tested for slow drift. @default 30 */
  readonly trendWindow: number;
  /** Runs ahead a forecast looks for a budget crossing. @default 10 */
  readonly forecastHorizon: number;
}

/** One metric as the built-in rules see it. */
export interface MetricView {
  readonly name: string;
  readonly records: readonly MetricRecord[];
  readonly values: readonly number[];
  readonly polarity: Polarity;
  readonly policy: MetricPolicy;
}

const CATEGORY_TOKENS: readonly (readonly [InsightCategory, readonly string[]])[] = [
  ['quality', ['coverage', 'lint', 'errors', 'error', 'warnings', 'score', 'complexity']],
  ['reliability', ['flaky', 'flakes', 'failures', 'failed', 'retries', 'uptime', 'success', 'passed']],
  ['resource', ['memory', 'mem', 'rss', 'heap', 'size', 'bytes', 'kb', 'mb', 'gb', 'cpu', 'disk', 'cost']],
  ['performance', ['duration', 'time', 'latency', 'elapsed', 'throughput', 'ops', 'rps', 'qps', 'ms', 'seconds']],
];

/**
 * The category an insight about a metric gets: quality (coverage, lint, errors), reliability (flaky,
 * failures), resource (memory, size), performance (durations, latency, throughput; also the default).
 */
export function categoryOf(metric: string): InsightCategory {
  const tokens = new Set(metricNameTokens(metric));
  for (const [category, words] of CATEGORY_TOKENS) if (words.some((w) => tokens.has(w))) return category;
  return 'performance';
}

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toPrecision(3);
  return String(Number(x.toFixed(a >= 100 ? 1 : a >= 1 ? 2 : 4)));
};
const pct = (r: number): string => (Number.isFinite(r) ? `${r >= 0 ? '+' : ''}${(r * 100).toFixed(Math.abs(r) < 0.1 ? 1 : 0)}%` : 'n/a');
const fmtP = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));
/** `p = 0.012`, or `p < 1e-16` when the p-value underflowed to 0 (a "p = 0.0e+0" reads like a bug). */
const pIs = (p: number): string => (p > 0 ? `p = ${fmtP(p)}` : 'p < 1e-16');
/** ` (+12%)`-style suffix, or nothing when the relative change is undefined (a zero baseline). */
const pctPart = (r: number, before = ', '): string => (Number.isFinite(r) ? `${before}${pct(r)}` : '');

/** @internal The suggested action of the built-in rules for a metric, a kind and whether the change is bad. */
export function whatToDo(metric: string, kind: InsightKind, worse: boolean): string {
  if (!worse) return `Note what changed so it can be kept; no action needed for ${metric}`;
  const tokens = new Set(metricNameTokens(metric));
  const has = (...ws: string[]) => ws.some((w) => tokens.has(w));
  if (has('coverage')) return `Add tests for the code paths changed since coverage dropped in ${metric}`;
  if (has('lint', 'errors', 'error', 'warnings')) return `Fix the reported problems (e.g. \`eslint --fix\`) and keep ${metric} at 0 in CI`;
  if (has('memory', 'mem', 'rss', 'heap')) return `Profile memory usage (heap snapshot) and look for growth since the change in ${metric}`;
  if (has('size', 'bytes', 'kb', 'mb', 'gb')) return `Inspect what grew in ${metric} (dependencies, assets) since the change`;
  if (has('test')) return `Review test efficiency: find the slowest tests added or changed since ${metric} rose`;
  if (has('build')) return `Inspect the build for new steps or lost caching since ${metric} rose`;
  if (has('latency')) return `Profile the slow endpoint behind ${metric} and check recent changes to it`;
  if (kind === 'trend') return `Find what has been growing gradually behind ${metric} before it crosses a budget`;
  return `Bisect the changes made since ${metric} moved and profile the affected code`;
}

/** Rule: a metric with fewer points than it needs says how many more. */
export function insufficientDataInsight(m: MetricView, minSamples: number): LearningInsight | undefined {
  const n = m.values.length;
  if (n >= minSamples) return undefined;
  const missing = minSamples - n;
  return new LearningInsight({
    kind: 'insufficient-data',
    category: 'data',
    metric: m.name,
    // Confidence is the probability that a *change* is real; with too few points none can be
    // established, so 0. That the data is missing is a fact, stated in the text and evidence.
    confidence: 0,
    description: `${m.name} has ${n} point${n === 1 ? '' : 's'}; insights need at least ${minSamples} (${missing} more)`,
    suggestedAction: `Record ${missing} more value${missing === 1 ? '' : 's'} of ${m.name} (one per run) before relying on insights`,
    evidence: { n, minSamples, missing, pValue: null },
  });
}

/**
 * Rule: a metric past `minSamples` on which some check cannot report anything yet, and none reported anything,
 * says which checks ran and when the others can. Without it, 5–9 runs of a real slowdown gave silence, and
 * the guide's "no insights generated" advice (record more runs) did not say how many.
 */
export function notYetTestableInsight(m: MetricView, need: { readonly shift: number; readonly drift: number; readonly anomaly: number }): LearningInsight | undefined {
  const n = m.values.length;
  const checks = [
    { name: 'trend', at: need.drift },
    { name: 'anomaly', at: need.anomaly },
    { name: 'regression', at: need.shift },
  ];
  const waiting = checks.filter((c) => n < c.at);
  if (waiting.length === 0) return undefined;
  const ran = checks.filter((c) => n >= c.at).map((c) => c.name);
  const later = waiting.map((c) => `${c.name} checks from ${c.at} points (${c.at - n} more)`).join(', ');
  const regressionWhy = waiting.some((c) => c.name === 'regression') ? ` — a step shows once it has held for ${need.shift / 2} runs after ${need.shift / 2} steady ones` : '';
  const missing = Math.max(...waiting.map((c) => c.at)) - n;
  return new LearningInsight({
    kind: 'insufficient-data',
    category: 'data',
    metric: m.name,
    confidence: 0,
    description: `${m.name} has ${n} points: ${ran.length > 0 ? `${ran.join(' and ')} checks ran and found nothing; ` : 'too few for any check; '}${later}${regressionWhy}`,
    suggestedAction: `Keep recording ${m.name} (one value per run); silence before then does not mean nothing changed`,
    evidence: { n, missing, pValue: null, ...Object.fromEntries(checks.map((c) => [`${c.name}MinPoints`, c.at])) },
  });
}

/**
 * Rule: the newest run(s) moved away from the baseline segment (a regression, improvement or neutral change),
 * or, with `evidence.source: 'established'`, a step up to 30 runs old that has become the baseline (reported so
 * that it is not missed; `autodev check` and the feedback loop treat it as a past change, not a new verdict).
 * `offset` is how many older points were left out of `m.values`, so `changeIndex` indexes the full series.
 */
export function shiftInsight(m: MetricView, detectors: InsightDetectors, offset = 0): LearningInsight | undefined {
  const s = detectors.shift(m.values);
  if (!s) return undefined;
  if (m.policy.tolerance !== undefined && Math.abs(s.relativeChange) < m.policy.tolerance) return undefined;
  const judged = judgeChange(m.polarity, s.direction);
  const kind: InsightKind = judged === 'worse' ? 'regression' : judged === 'better' ? 'improvement' : 'change';
  const verb = s.direction === 'increase' ? 'rose' : 'fell';
  const runs = s.currentN === 1 ? 'the latest run' : `the latest ${s.currentN} runs`;
  const window = m.values.slice(m.values.length - s.currentN);
  // With a zero baseline a relative change is undefined: say "from 0 to N" in absolute numbers, N being the
  // most extreme run of the window in the direction of the change (its median may still be 0).
  const to = s.currentMedian !== s.baselineMedian || window.length === 0 ? s.currentMedian : s.direction === 'increase' ? Math.max(...window) : Math.min(...window);
  const change = Number.isFinite(s.relativeChange) ? `${verb} ${pct(s.relativeChange)}` : `${verb} from ${fmt(s.baselineMedian)} to ${fmt(to)}`;
  const listed = Number.isFinite(s.relativeChange) || window.length > 5 ? '' : `runs ${window.map(fmt).join(', ')}; `;
  const medians = Number.isFinite(s.relativeChange) ? `median ${fmt(s.baselineMedian)} → ${fmt(s.currentMedian)}` : `baseline median ${fmt(s.baselineMedian)}`;
  const verdict = judged === 'worse' ? ': a regression' : judged === 'better' ? ': an improvement' : '';
  const since = s.changeIndex + offset + 1;
  const description =
    s.source === 'established'
      ? `${m.name} ${change} at run ${since} and has stayed there for ${s.currentN} runs (${medians}, change point ${pIs(s.pValue)}, ` +
        `${s.baselineN} runs before)${verdict}; new runs are now checked against the new level`
      : s.source === 'change-point'
        ? `${m.name} ${change} since run ${since} (${listed}${medians} over ${runs}, change point ${pIs(s.pValue)}, ${s.baselineN} runs before)${verdict}`
        : `${m.name} ${change} in ${runs} (${listed}${medians}, ${pIs(s.pValue)}, ${s.baselineN} baseline runs)${verdict}`;
  const action = judged === 'neutral' ? `Check whether the change in ${m.name} was intended` : whatToDo(m.name, kind, judged === 'worse');
  return new LearningInsight({
    kind,
    category: categoryOf(m.name),
    metric: m.name,
    confidence: s.confidence,
    description,
    // A step that has been the level for a while may well be accepted already: the action is conditional.
    suggestedAction: s.source === 'established' && judged === 'worse' ? `If the change at run ${since} was not intended: ${action}` : action,
    evidence: {
      n: m.values.length,
      pValue: s.pValue,
      baselineMedian: s.baselineMedian,
      currentMedian: s.currentMedian,
      relativeChange: s.relativeChange,
      baselineN: s.baselineN,
      currentN: s.currentN,
      changeIndex: s.changeIndex + offset,
      direction: s.direction,
      judged,
      source: s.source ?? 'regression',
      ...(s.relativeInterval ? { relativeChangeLow: s.relativeInterval[0], relativeChangeHigh: s.relativeInterval[1] } : {}),
    },
  });
}

/** Rule: a gradual drift over the recent window that no single step explains. */
export function driftInsight(m: MetricView, detectors: InsightDetectors, window: number): LearningInsight | undefined {
  const d = detectors.drift(m.values, window);
  if (!d) return undefined;
  const relative = d.from === 0 ? Number.NaN : (d.to - d.from) / Math.abs(d.from);
  if (m.policy.tolerance !== undefined && Math.abs(relative) < m.policy.tolerance) return undefined;
  const judged = judgeChange(m.polarity, d.direction);
  return new LearningInsight({
    kind: 'trend',
    category: categoryOf(m.name),
    metric: m.name,
    confidence: d.confidence,
    description:
      `${m.name} is ${d.direction === 'increase' ? 'increasing' : 'decreasing'} gradually: ${fmt(d.slopePerRun)} per run over the last ${d.n} runs ` +
      `(${fmt(d.from)} → ${fmt(d.to)}${pctPart(relative)}; Mann–Kendall ${pIs(d.pValue)})`,
    suggestedAction: judged === 'neutral' ? `Check whether the drift in ${m.name} is expected` : whatToDo(m.name, 'trend', judged === 'worse'),
    evidence: { n: d.n, pValue: d.pValue, slopePerRun: d.slopePerRun, from: d.from, to: d.to, relativeChange: relative, direction: d.direction, judged },
  });
}

/**
 * How far from the usual level the anomaly rule says a run was. A zero spread (every, or most, earlier runs
 * identical, e.g. a lint count that is always 0) makes the robust z infinite; say what the earlier runs were
 * instead.
 */
function anomalyMeasure(m: MetricView, a: AnomalyFinding): string {
  const side = a.direction === 'increase' ? 'above' : 'below';
  if (a.model === 'count') {
    // A discrete history: say how often it left its usual value, which is what the count model weighed.
    const earlier = m.values.slice(Math.max(0, a.index - 30), a.index);
    const off = earlier.filter((v) => v !== a.expected).length;
    const what = off === 0 ? `every earlier run was exactly ${fmt(a.expected)}` : `${earlier.length - off} of the ${earlier.length} earlier runs were exactly ${fmt(a.expected)}`;
    return `${side} the usual ${fmt(a.expected)}: ${what}; ${pIs(a.pValue)} by a count model`;
  }
  // Only an infinite z means a zero spread; a p-value that underflowed to 0 next to a finite z is "p < 1e-16".
  if (Number.isFinite(a.score)) return `${side} the usual ${fmt(a.expected)}, robust z = ${a.score.toFixed(1)}, ${pIs(a.pValue)}`;
  const earlier = m.values.slice(0, a.index);
  const same = earlier.filter((v) => v === a.expected).length;
  const what =
    earlier.length > 0 && same === earlier.length
      ? `every earlier run was exactly ${fmt(a.expected)}`
      : `${same} of ${earlier.length} earlier runs were exactly ${fmt(a.expected)}`;
  return `${side} the usual ${fmt(a.expected)}: ${what}`;
}

/**
 * Rule: outliers at the end of the series, against the robust spread of their segment. The newest run is
 * reported as an unconfirmed anomaly (it may be a one-off or the first run of a level shift); the run before
 * it, when the newest run is back at the baseline, as a one-off spike with the higher confidence of a
 * confirmed anomaly (`evidence.confirmed`). A spike is thus reported twice at most: as possible when it is
 * the newest run, as settled one run later. `offset` is how many older points were left out of `m.values`,
 * so run numbers and `evidence.index` refer to the full series.
 */
export function anomalyInsights(m: MetricView, detectors: InsightDetectors, offset = 0): LearningInsight[] {
  return detectors.recentAnomalies(m.values).map((a) => {
    const judged = judgeChange(m.polarity, a.direction);
    const index = a.index + offset;
    const next = m.values[a.index + 1];
    const settled = a.confirmed && next !== undefined;
    const run = `run ${index + 1} of ${m.name}`;
    const description = settled
      ? `${run} was a one-off ${a.direction === 'increase' ? 'spike' : 'dip'}: ${fmt(a.value)} (${anomalyMeasure(m, a)}); the next run was back at ${fmt(next)}`
      : `latest ${m.name} = ${fmt(a.value)} is an outlier (${anomalyMeasure(m, a)})`;
    const suggestedAction = settled
      ? judged === 'better'
        ? `Check whether ${run} skipped work; ${m.name} was back to its usual level in the next run`
        : `Nothing to fix now: ${m.name} was back to its usual level in the next run; if such spikes recur, look for a flaky runner or cold caches`
      : judged === 'better'
        ? `Check whether the unusually good ${m.name} is real (e.g. skipped work) before relying on it`
        : `Re-run to tell a one-off (flaky machine, cold cache) from a real change in ${m.name}; investigate if it repeats`;
    const timestamp = m.records[index]?.timestamp;
    return new LearningInsight({
      kind: 'anomaly',
      category: categoryOf(m.name),
      metric: m.name,
      confidence: a.confidence,
      description,
      suggestedAction,
      evidence: {
        n: m.values.length,
        pValue: a.pValue,
        value: a.value,
        expected: a.expected,
        score: a.score,
        ...(a.model === 'count' ? { model: 'count' } : {}),
        direction: a.direction,
        index,
        judged,
        confirmed: settled,
        ...(settled ? { nextValue: next } : {}),
        ...(timestamp === undefined ? {} : { timestamp }),
      },
    });
  });
}

/** Rule: the latest value is outside its budget. Confidence 1: a measured fact, not an estimate. */
export function budgetInsights(m: MetricView): LearningInsight[] {
  const last = m.records.at(-1);
  if (!last) return [];
  const out: LearningInsight[] = [];
  for (const bound of ['max', 'min'] as const) {
    const limit = m.policy[bound];
    if (limit === undefined) continue;
    const over = bound === 'max' ? last.value > limit : last.value < limit;
    if (!over) continue;
    const excess = Math.abs(last.value - limit);
    out.push(
      new LearningInsight({
        kind: 'budget-breach',
        category: 'budget',
        metric: m.name,
        confidence: 1,
        description: `${m.name} = ${fmt(last.value)} is ${bound === 'max' ? 'over' : 'under'} its budget ${bound === 'max' ? '≤' : '≥'} ${fmt(limit)} by ${fmt(excess)}`,
        // "back to ≤ 0", not "back under 0": a budget of 0 (lint errors) is met at 0.
        suggestedAction: `Bring ${m.name} back to ${bound === 'max' ? '≤' : '≥'} ${fmt(limit)}: ${whatToDo(m.name, 'budget-breach', true)}`,
        evidence: { n: m.values.length, pValue: null, value: last.value, limit, bound, excess, relativeExcess: limit === 0 ? null : excess / Math.abs(limit), timestamp: last.timestamp },
      }),
    );
  }
  return out;
}

/** Rule: the forecast crosses a budget within the horizon while the latest value is still inside it. */
export function forecastInsights(m: MetricView, detectors: InsightDetectors, horizon: number): LearningInsight[] {
  const last = m.values.at(-1);
  if (last === undefined) return [];
  const budgets: ForecastBudget[] = [];
  for (const bound of ['max', 'min'] as const) {
    const limit = m.policy[bound];
    if (limit === undefined) continue;
    if (bound === 'max' ? last > limit : last < limit) continue; // already a breach
    budgets.push({ limit, bound });
  }
  if (budgets.length === 0) return [];
  const crossings = detectors.forecastCrossings(m.values, budgets, horizon);
  const out: LearningInsight[] = [];
  budgets.forEach(({ limit, bound }, i) => {
    const f = crossings[i];
    if (!f) return;
    out.push(
      new LearningInsight({
        kind: 'forecast-breach',
        category: 'budget',
        metric: m.name,
        confidence: f.confidence,
        description: `at this rate ${m.name} crosses its budget ${fmt(limit)} in about ${f.runsAhead} run${f.runsAhead === 1 ? '' : 's'} (forecast ${fmt(f.predicted)}, now ${fmt(last)})`,
        suggestedAction: `Act before the budget breaks: ${whatToDo(m.name, 'forecast-breach', true)}`,
        evidence: { n: m.values.length, pValue: f.pValue, limit, bound, runsAhead: f.runsAhead, predicted: f.predicted, current: last, method: f.method },
      }),
    );
  });
  return out;
}

/** True for metrics that count lint problems (`lint_errors`, `eslint_warnings`, `lintErrors`). */
export function isLintMetric(metric: string): boolean {
  const tokens = metricNameTokens(metric);
  return tokens.some((t) => t === 'lint' || t === 'eslint' || t === 'linter') && tokens.some((t) => /^(errors?|warnings?|problems?|issues?)$/.test(t));
}

/** Rule: the latest lint count is above zero. Confidence 1: the linter reported them. */
export function lintInsight(m: MetricView): LearningInsight | undefined {
  if (!isLintMetric(m.name)) return undefined;
  const last = m.values.at(-1);
  if (last === undefined || !(last > 0)) return undefined;
  return new LearningInsight({
    kind: 'lint-errors',
    category: 'quality',
    metric: m.name,
    confidence: 1,
    // "1 lint error", "3 lint errors": the metric's name is plural, so a count of 1 drops the plural s.
    description: `${fmt(last)} ${last === 1 ? m.name.replace(/_/g, ' ').replace(/s$/, '') : m.name.replace(/_/g, ' ')} in the latest run`,
    suggestedAction: `Fix the lint problems (\`eslint --fix\` handles many) and keep ${m.name} at 0 with a budget (${m.name}_max: 0)`,
    evidence: { n: m.values.length, pValue: null, value: last },
  });
}
