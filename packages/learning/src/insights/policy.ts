import { LearningError } from '../errors.js';
import type { JsonValue } from '../record.js';
import type { Polarity } from './polarity.js';

/** Per-metric settings of a policy. Every field is optional. */
export interface MetricPolicy {
  /** Which way is good; overrides the polarity registry for this metric. */
  readonly direction?: Polarity;
  /** Budget: the latest value must be at most this. */
  readonly max?: number;
  /** Budget: the latest value must be at least this. */
  readonly min?: number;
  /**
   * Smallest relative change worth reporting (0.05 = 5%). A statistically significant change
   * smaller than this is not raised as a regression or improvement.
   * @default 0
   */
  readonly tolerance?: number;
  /** Points needed before the statistical rules run for this metric. @default the engine's `minSamples` */
  readonly minSamples?: number;
}

/**
 * A parsed policy: per-metric budgets and settings, plus the `performance:` keys that are not
 * budgets (the guide's `cache_size: 100`), kept as they were for whoever reads them.
 */
export interface LearningPolicy {
  readonly metrics: Readonly<Record<string, MetricPolicy>>;
  readonly settings: Readonly<Record<string, JsonValue>>;
}

/** An empty policy: no budgets, no settings. */
export const EMPTY_POLICY: LearningPolicy = Object.freeze({ metrics: Object.freeze({}), settings: Object.freeze({}) });

const bad = (key: string, what: string) => new LearningError('INVALID_ARGUMENT', `policy ${key}: ${what}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'undefined') return String(v);
  return typeof v === 'object' ? 'an object' : typeof v;
};

function finite(key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(key, `must be a finite number, got ${show(v)}`);
  return v;
}

const DIRECTIONS: Readonly<Record<string, Polarity>> = {
  lower: 'lower',
  'lower-is-better': 'lower',
  lower_is_better: 'lower',
  higher: 'higher',
  'higher-is-better': 'higher',
  higher_is_better: 'higher',
  neutral: 'neutral',
};

function parseMetricSection(key: string, raw: unknown): MetricPolicy {
  if (!isObject(raw)) throw bad(key, `must be an object such as { max: 60 }, got ${show(raw)}`);
  const out: { -readonly [K in keyof MetricPolicy]: MetricPolicy[K] } = {};
  for (const [field, v] of Object.entries(raw)) {
    // An undefined value is a setting left out, as in every options object of this package (YAML never has one;
    // a policy built in code does: { max: process.env.MAX ? Number(process.env.MAX) : undefined }).
    if (v === undefined) continue;
    const at = `${key}.${field}`;
    switch (field) {
      case 'direction': {
        // Own keys only: 'constructor' or 'toString' found Object.prototype's functions and became the direction.
        const d = typeof v === 'string' && Object.hasOwn(DIRECTIONS, v) ? DIRECTIONS[v] : undefined;
        if (!d) throw bad(at, `must be "lower", "higher" or "neutral", got ${show(v)}`);
        out.direction = d;
        break;
      }
      case 'max':
        out.max = finite(at, v);
        break;
      case 'min':
        out.min = finite(at, v);
        break;
      case 'tolerance': {
        const t = finite(at, v);
        if (t < 0) throw bad(at, `must be a relative change >= 0 (0.05 = 5%), got ${t}`);
        out.tolerance = t;
        break;
      }
      case 'minSamples':
      case 'min_samples': {
        const n = finite(at, v);
        if (!Number.isInteger(n) || n < 3) throw bad(at, `must be a whole number >= 3, got ${n}`);
        out.minSamples = n;
        break;
      }
      default:
        throw bad(at, 'is not a known setting; use direction, max, min, tolerance or minSamples');
    }
  }
  return out;
}

function merge(metric: string, a: MetricPolicy | undefined, b: MetricPolicy): MetricPolicy {
  if (!a) return b;
  for (const field of Object.keys(b) as (keyof MetricPolicy)[]) {
    if (a[field] !== undefined && a[field] !== b[field])
      throw bad(
        `metrics.${metric}.${field}`,
        `is set twice with different values (${show(a[field])} and ${show(b[field])}), once under performance: and once under metrics:; keep one`,
      );
  }
  return { ...a, ...b };
}

/**
 * Parses a policy object shaped like the guide's `automation_policy.yaml` (after YAML parsing):
 *
 * ```yaml
 * performance:
 *   test_duration_max: 60   # budget: latest test_duration must be <= 60
 *   coverage_percent_min: 80
 *   cache_size: 100         # not a budget: kept under settings
 * metrics:
 *   api_latency_users: { direction: lower, max: 0.5, tolerance: 0.05, minSamples: 8 }
 * ```
 *
 * Under `performance:`, a key `<metric>_max` / `<metric>_min` with a number is a budget; any other
 * key is kept as a setting. Other top-level sections of the policy file belong to other tools and
 * are ignored. The result is frozen.
 * @throws {LearningError} INVALID_ARGUMENT naming the offending key when a budget is not a finite
 * number, a `metrics:` entry has an unknown field or a bad value, `min` > `max`, or one bound is set twice.
 * @example
 * const policy = parsePolicy({ performance: { test_duration_max: 60, build_time_max: 300, cache_size: 100 } });
 * policy.metrics.test_duration?.max; // 60
 * policy.settings.cache_size;        // 100
 */
export function parsePolicy(input: unknown): LearningPolicy {
  if (input === undefined || input === null) return EMPTY_POLICY;
  if (!isObject(input)) throw new LearningError('INVALID_ARGUMENT', `policy must be an object such as { performance: { test_duration_max: 60 } }, got ${show(input)}`);
  const metrics: Record<string, MetricPolicy> = {};
  const settings: Record<string, JsonValue> = {};
  const { performance, metrics: metricSection } = input;
  if (performance !== undefined && performance !== null) {
    if (!isObject(performance)) throw bad('performance', `must be an object of <metric>_max / <metric>_min budgets, got ${show(performance)}`);
    for (const [key, v] of Object.entries(performance)) {
      if (v === undefined) continue; // left out, as in parseMetricSection
      const m = /^(.+)_(max|min)$/.exec(key);
      if (m) {
        const metric = m[1]!;
        const bound = m[2] as 'max' | 'min';
        metrics[metric] = merge(metric, metrics[metric], { [bound]: finite(`performance.${key}`, v) });
      } else {
        if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint')
          throw bad(`performance.${key}`, `must be a JSON value, got ${typeof v}`);
        settings[key] = v as JsonValue;
      }
    }
  }
  if (metricSection !== undefined && metricSection !== null) {
    if (!isObject(metricSection)) throw bad('metrics', `must be an object keyed by metric name, got ${show(metricSection)}`);
    for (const [metric, raw] of Object.entries(metricSection)) {
      if (raw === undefined) continue;
      metrics[metric] = merge(metric, metrics[metric], parseMetricSection(`metrics.${metric}`, raw));
    }
  }
  for (const [metric, p] of Object.entries(metrics)) {
    if (p.min !== undefined && p.max !== undefined && p.min > p.max)
      throw bad(`${metric}`, `min (${p.min}) is greater than max (${p.max}); no value could pass`);
    Object.freeze(p);
  }
  return Object.freeze({ metrics: Object.freeze(metrics), settings: Object.freeze(settings) });
}

/** The latest value of a metric outside its budget. */
export interface BudgetBreach {
  readonly metric: string;
  /** Which bound was crossed. */
  readonly bound: 'max' | 'min';
  /** The budget's limit. */
  readonly limit: number;
  /** The latest value. */
  readonly value: number;
  /** How far past the limit, in the metric's unit (always > 0). */
  readonly excess: number;
  /** `excess / |limit|` (Infinity for a limit of 0). */
  readonly relativeExcess: number;
  /** When the breaching value was recorded, when known. */
  readonly timestamp?: number;
}

/**
 * A policy as given to the functions that take one: an already parsed `LearningPolicy` is used as is, anything else
 * (the guide's `automation_policy.yaml` object) goes through `parsePolicy`. Without this, `checkBudgets` and
 * `runInsightEngine` failed on the raw object with a TypeError about `undefined` instead of reading it.
 * @internal
 */
export function toPolicy(policy: unknown): LearningPolicy {
  const parsed =
    typeof policy === 'object' &&
    policy !== null &&
    Object.isFrozen(policy) &&
    typeof (policy as LearningPolicy).metrics === 'object' &&
    typeof (policy as LearningPolicy).settings === 'object' &&
    !('performance' in policy);
  return parsed ? (policy as LearningPolicy) : parsePolicy(policy);
}

/** What `checkBudgets` reads from a tracker: the newest record of a metric. */
export interface BudgetSource {
  getMetrics(name: string, filter?: { order?: 'asc' | 'desc'; limit?: number }): Promise<readonly { value: number; timestamp: number }[]>;
}

function breachesOf(policy: LearningPolicy, latest: (metric: string) => { value: number; timestamp?: number } | undefined): BudgetBreach[] {
  const out: BudgetBreach[] = [];
  for (const [metric, p] of Object.entries(policy.metrics)) {
    const v = latest(metric);
    if (!v) continue;
    const push = (bound: 'max' | 'min', limit: number, excess: number) =>
      out.push(
        Object.freeze({
          metric,
          bound,
          limit,
          value: v.value,
          excess,
          relativeExcess: limit === 0 ? Infinity : excess / Math.abs(limit),
          ...(v.timestamp === undefined ? {} : { timestamp: v.timestamp }),
        }),
      );
    if (p.max !== undefined && v.value > p.max) push('max', p.max, v.value - p.max);
    if (p.min !== undefined && v.value < p.min) push('min', p.min, p.min - v.value);
  }
  return out.sort((a, b) => b.relativeExcess - a.relativeExcess || a.metric.localeCompare(b.metric));
}

/**
 * Checks the latest value of every budgeted metric against the policy. A budget is met at the
 * limit (`value <= max`, `value >= min`). Metrics without data are skipped (not a breach).
 * With a plain object of latest values the answer is immediate; with a tracker it reads the
 * newest record of each budgeted metric.
 * Breaches are sorted by relative excess, worst first.
 * @example
 * checkBudgets({ test_duration: 72 }, parsePolicy({ performance: { test_duration_max: 60 } }));
 * // [{ metric: 'test_duration', bound: 'max', limit: 60, value: 72, excess: 12, relativeExcess: 0.2 }]
 */
export function checkBudgets(latest: Readonly<Record<string, number>>, policy: LearningPolicy): BudgetBreach[];
export function checkBudgets(tracker: BudgetSource, policy: LearningPolicy): Promise<BudgetBreach[]>;
export function checkBudgets(source: BudgetSource | Readonly<Record<string, number>>, policyInput: LearningPolicy): BudgetBreach[] | Promise<BudgetBreach[]> {
  if (typeof source !== 'object' || source === null || Array.isArray(source))
    throw new LearningError('INVALID_ARGUMENT', `checkBudgets takes an object of latest values ({ test_duration: 72 }) or a tracker, got ${show(source)}`);
  const policy = toPolicy(policyInput);
  if (typeof (source as BudgetSource).getMetrics === 'function') {
    const tracker = source as BudgetSource;
    return (async () => {
      const latest = new Map<string, { value: number; timestamp: number }>();
      for (const metric of Object.keys(policy.metrics)) {
        const [newest] = await tracker.getMetrics(metric, { order: 'desc', limit: 1 });
        if (newest) latest.set(metric, newest);
      }
      return breachesOf(policy, (m) => latest.get(m));
    })();
  }
  const values = source as Readonly<Record<string, number>>;
  // A budgeted metric given as NaN, Infinity or a string used to be skipped like a missing one, so
  // { test_duration: Infinity } passed a max of 60. Only an absent (or undefined) value means "no data".
  for (const metric of Object.keys(policy.metrics)) {
    const v = Object.hasOwn(values, metric) ? values[metric] : undefined;
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v)))
      throw new LearningError('INVALID_ARGUMENT', `checkBudgets: the latest ${metric} must be a finite number, got ${show(v)}; leave the metric out when it has no value`);
  }
  return breachesOf(policy, (m) => {
    const v = Object.hasOwn(values, m) ? values[m] : undefined;
    return v === undefined ? undefined : { value: v };
  });
}
