import { compareSamples, type CompareOptions, type Comparison } from './detection/index.js';
import { LearningError } from './errors.js';
import { runInsightEngine } from './insights/insight-engine.js';
import type { InsightRule } from './insights/insight-rule.js';
import type { LearningInsight } from './insights/learning-insight.js';
import { createPolarityRegistry, type Polarity, type PolarityRegistry } from './insights/polarity.js';
import { toPolicy, type LearningPolicy } from './insights/policy.js';
import { createMemoryStore } from './memory-store.js';
import { checkOptions } from './options.js';
import { validateMetricName, validateRecord, type Metadata, type MetricRecord, type MetricRecordInput } from './record.js';
import { validateQuery, type MetricQuery, type MetricStore } from './store.js';
import { analyzeSeries, type TrendAnalysis } from './trends.js';

/** Metadata equality filter: `{ branch: 'main' }`. */
export type Where = NonNullable<MetricQuery['where']>;

/** Options of {@link MetricsTracker}. */
export interface MetricsTrackerOptions {
  /**
   * Where records go. Pass a persistent backend (e.g. `openFileStore` of `@autodev/storage-file`)
   * to keep metrics across runs.
   * @default createMemoryStore() (nothing survives the process)
   */
  storage?: MetricStore;
  /**
   * Clock for records recorded without a timestamp, in epoch milliseconds. Inject one in tests.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Budgets: the guide's `automation_policy.yaml` object (`{ performance: { test_duration_max: 60 } }`,
   * parsed with `parsePolicy`) or an already parsed `LearningPolicy`.
   * @default no budgets
   */
  policy?: LearningPolicy | Record<string, unknown>;
  /**
   * Which direction of a metric is good, on top of the built-in six and name inference:
   * `{ bundle_kb: 'lower', hit_ratio: 'higher' }`, or a registry from `createPolarityRegistry`.
   * @default the built-in registry
   */
  polarity?: Readonly<Record<string, Polarity>> | PolarityRegistry;
  /** Custom insight rules run by `generateInsights` after the built-in ones (see `addRule`). @default [] */
  rules?: readonly InsightRule<MetricsTracker>[];
}

/** Options of {@link MetricsTracker.analyzeTrends}. */
export interface AnalyzeTrendsOptions {
  /**
   * Analyze the newest `windowSize` points; 0 or `Infinity` analyzes all of them.
   * @default 10
   */
  windowSize?: number;
  /** Only records whose metadata matches (`{ branch: 'main' }`). */
  where?: Where;
}

/** Options of {@link MetricsTracker.generateInsights}. */
export interface GenerateInsightsOptions {
  /**
   * Drop insights below this confidence; `0` also shows "need more data" insights.
   * @default 0.5
   */
  minConfidence?: number;
}

/** Options of {@link MetricsTracker.recordMetric}. */
export interface RecordMetricOptions {
  /** When it happened: epoch milliseconds, a `Date` or an ISO-8601 string. @default now() */
  timestamp?: number | Date | string;
}

const isPolarityRegistry = (p: unknown): p is PolarityRegistry =>
  typeof p === 'object' && p !== null && typeof (p as PolarityRegistry).polarityOf === 'function' && typeof (p as PolarityRegistry).with === 'function';

/**
 * Records development metrics and analyzes them: the guide's `MetricsTracker`.
 *
 * Every record is validated before anything is written (`INVALID_RECORD` says what to fix), and
 * when `recordMetric` resolves the record is in the store. Trends are decided by a significance
 * test, not by the sign of a noisy slope; insights carry a confidence computed from the statistics.
 *
 * Subclass it to add insight rules the guide's way (override `generateInsights` and call
 * `super.generateInsights()`), or register a rule with `addRule`.
 * @example
 * const tracker = new MetricsTracker(); // in memory
 * await tracker.recordMetric('test_duration', 12.5, { suite: 'integration', branch: 'main' });
 * const trends = await tracker.analyzeTrends('test_duration', { windowSize: 10 });
 * console.log(`Mean: ${trends.mean}`, `Trend: ${trends.trendDirection}`); // positive = increasing
 */
export class MetricsTracker {
  /** The store records go to. */
  readonly storage: MetricStore;
  /** Budgets and per-metric settings used by `generateInsights` (and a `FeedbackLoop` on this tracker). */
  readonly policy: LearningPolicy;
  /** Which direction of each metric is good. */
  readonly polarity: PolarityRegistry;
  readonly #now: () => number;
  readonly #rules: InsightRule<MetricsTracker>[];

  /**
   * @throws {LearningError} INVALID_ARGUMENT when `storage` is not a MetricStore, `now` is not a
   * function, or the policy / polarity / rules are malformed.
   */
  constructor(options: MetricsTrackerOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new LearningError('INVALID_ARGUMENT', 'MetricsTracker options must be an object such as { storage }');
    // A misspelt key must not pass silently: { store: openFileStore(…) } recorded into a memory store and lost
    // every record at exit.
    if (['storage_path', 'storagePath', 'path', 'file', 'filename'].some((k) => k in options))
      throw new LearningError(
        'INVALID_ARGUMENT',
        'MetricsTracker takes a store, not a path: new MetricsTracker({ storage: await openFileStore({ path }) }) with openFileStore from @autodev/storage-file',
      );
    checkOptions<MetricsTrackerOptions>('MetricsTracker', options, ['storage', 'now', 'policy', 'polarity', 'rules']);
    const { storage = createMemoryStore(), now = Date.now, policy, polarity, rules = [] } = options;
    for (const m of ['append', 'query', 'names', 'close'] as const) {
      if (typeof storage !== 'object' || storage === null || typeof storage[m] !== 'function')
        throw new LearningError('INVALID_ARGUMENT', `storage must implement MetricStore (append, query, names, close); ${m}() is missing`);
    }
    if (typeof now !== 'function') throw new LearningError('INVALID_ARGUMENT', 'now must be a function returning epoch milliseconds');
    if (!Array.isArray(rules) || !(rules as readonly unknown[]).every((r) => typeof r === 'function'))
      throw new LearningError('INVALID_ARGUMENT', 'rules must be an array of functions (ctx) => LearningInsight[]');
    this.storage = storage;
    this.#now = now;
    this.policy = toPolicy(policy);
    this.polarity = isPolarityRegistry(polarity) ? polarity : createPolarityRegistry(polarity ?? {});
    this.#rules = Array.from<InsightRule<MetricsTracker>>(rules);
  }

  /**
   * Records one observation.
   * @returns the stored record (validated, frozen, with its timestamp).
   * @throws {LearningError} INVALID_RECORD (nothing written) when the name, value, metadata or
   * timestamp is invalid; STORE_CLOSED / STORE_IO from the store.
   * @example
   * await tracker.recordMetric('test_duration', 12.5, { suite: 'integration', branch: 'main' });
   */
  async recordMetric(name: string, value: number, metadata?: Metadata, options: RecordMetricOptions = {}): Promise<MetricRecord> {
    const { timestamp } = checkOptions<RecordMetricOptions>('recordMetric', options, ['timestamp']);
    const record = validateRecord({ name, value, metadata, timestamp }, this.#now);
    await this.storage.append([record]);
    return record;
  }

  /**
   * Records a batch all-or-nothing: every record is validated first, then the batch is appended
   * in one call (which a store makes atomic).
   * @throws {LearningError} INVALID_RECORD naming the index of the first bad record (nothing is
   * written); STORE_CLOSED / STORE_IO from the store.
   * @example
   * await tracker.recordMetrics([{ name: 'test_duration', value: 12.5 }, { name: 'coverage_percent', value: 95 }]);
   */
  async recordMetrics(records: readonly MetricRecordInput[]): Promise<MetricRecord[]> {
    if (!Array.isArray(records)) throw new LearningError('INVALID_RECORD', 'recordMetrics takes an array of { name, value, metadata?, timestamp? }');
    const clean = (records as readonly MetricRecordInput[]).map((r, i) => {
      try {
        return validateRecord(r, this.#now);
      } catch (e) {
        if (e instanceof LearningError) throw new LearningError(e.code, `records[${i}]: ${e.message}`, { cause: e });
        throw e;
      }
    });
    if (clean.length > 0) await this.storage.append(clean);
    return clean;
  }

  /**
   * Reads records back, oldest first: all of them, or one metric's, optionally filtered by time
   * range (`from` inclusive, `to` exclusive, epoch ms), metadata (`where`), order and limit.
   * @throws {LearningError} INVALID_ARGUMENT for a malformed filter; STORE_CLOSED / STORE_IO.
   * @example
   * const mainOnly = await tracker.getMetrics('test_duration', { where: { branch: 'main' } });
   * const newestTen = await tracker.getMetrics('test_duration', { order: 'desc', limit: 10 });
   */
  async getMetrics(name?: string, filter: Omit<MetricQuery, 'name'> = {}): Promise<MetricRecord[]> {
    if (name !== undefined) validateMetricNameArg(name);
    // `name` stays accepted in the filter (getMetrics(undefined, { name })) as before.
    const checked = checkOptions<MetricQuery>('getMetrics filter', filter, ['from', 'to', 'where', 'order', 'limit', 'name']);
    const query = validateQuery({ ...checked, ...(name === undefined ? {} : { name }) });
    return this.storage.query(query);
  }

  /** Distinct metric names, sorted. @throws {LearningError} STORE_CLOSED / STORE_IO. */
  async names(): Promise<string[]> {
    return this.storage.names();
  }

  /**
   * Trend analysis of a metric's newest `windowSize` points: descriptive and robust statistics, the
   * Theil–Sen slope and a Mann–Kendall trend direction with its p-value. With fewer than 5 points
   * it says so (`sufficient: false`, `reason`) and reports no trend.
   * @throws {LearningError} INVALID_ARGUMENT when `windowSize` is negative or fractional, or the
   * name or filter is malformed; STORE_CLOSED / STORE_IO.
   * @example
   * const trends = await tracker.analyzeTrends('test_duration', { windowSize: 10 });
   * if (trends.trendDirection > 0) console.log(`rising by ${trends.slope.toFixed(2)} per run (p = ${trends.pValue.toFixed(3)})`);
   * @see {@link analyzeSeries} for the statistics.
   */
  async analyzeTrends(name: string, options: AnalyzeTrendsOptions = {}): Promise<TrendAnalysis> {
    validateMetricNameArg(name);
    const { windowSize = 10, where } = checkOptions<AnalyzeTrendsOptions>('analyzeTrends', options, ['windowSize', 'where']);
    if (!(windowSize === Infinity || (Number.isInteger(windowSize) && windowSize >= 0)))
      throw new LearningError('INVALID_ARGUMENT', `windowSize must be a whole number >= 0 (0 or Infinity = all points), got ${String(windowSize)}`);
    const records = await this.getMetrics(name, where === undefined ? {} : { where });
    const all = windowSize === 0 || windowSize === Infinity;
    const window = all || records.length <= windowSize ? records : records.slice(records.length - windowSize);
    return analyzeSeries(
      window.map((r) => r.value),
      { metric: name, count: records.length },
    );
  }

  /**
   * Insights over every metric: the built-in rules (regression, improvement, trend, anomaly,
   * budget breach, forecast, lint errors, not enough data), then the custom rules, sorted by
   * confidence. Override it in a subclass and call `super.generateInsights()` to add your own.
   * @throws {LearningError} INVALID_ARGUMENT when `minConfidence` is outside [0, 1] or a custom
   * rule returns something other than insights; STORE_CLOSED / STORE_IO.
   * @example
   * for (const insight of await tracker.generateInsights({ minConfidence: 0.8 })) console.log(insight.suggestedAction);
   * @see docs/insights.md for each rule and how its confidence is computed.
   */
  async generateInsights(options: GenerateInsightsOptions = {}): Promise<LearningInsight[]> {
    const { minConfidence } = checkOptions<GenerateInsightsOptions>('generateInsights', options, ['minConfidence']);
    return runInsightEngine<MetricsTracker>(this, {
      ...(minConfidence === undefined ? {} : { minConfidence }),
      rules: this.#rules,
      policy: this.policy,
      polarity: this.polarity,
      now: this.#now,
    });
  }

  /**
   * Registers a custom insight rule, run by `generateInsights` after the built-in ones.
   * @returns this tracker, for chaining.
   * @throws {LearningError} INVALID_ARGUMENT when `rule` is not a function.
   * @example
   * tracker.addRule(async (ctx) => ((await ctx.analyzeTrends('memory_usage')).mean > 1000 ? [highMemoryInsight] : []));
   */
  addRule(rule: InsightRule<MetricsTracker>): this {
    if (typeof rule !== 'function') throw new LearningError('INVALID_ARGUMENT', 'addRule takes a function (ctx) => LearningInsight[]');
    this.#rules.push(rule);
    return this;
  }

  /**
   * A/B comparison of one metric between two metadata groups: `groupB` against `groupA` (the
   * reference), with the Hodges–Lehmann shift and its confidence interval, the Mann–Whitney
   * p-value and a plain-language verdict.
   * @throws {LearningError} INVALID_ARGUMENT for a malformed name or group; STORE_CLOSED / STORE_IO.
   * @example
   * const c = await tracker.compare('test_duration', { branch: 'main' }, { branch: 'feature' });
   * console.log(c.summary);
   */
  async compare(name: string, groupA: Where, groupB: Where, options?: CompareOptions): Promise<Comparison> {
    validateMetricNameArg(name);
    // A missing group would read as "no filter" (every record of the metric), comparing a group with everything.
    for (const [arg, group] of [['groupA', groupA], ['groupB', groupB]] as const) {
      if (typeof group !== 'object' || group === null || Array.isArray(group))
        throw new LearningError('INVALID_ARGUMENT', `compare: ${arg} must be a metadata filter such as { branch: 'main' }, got ${group === null ? 'null' : Array.isArray(group) ? 'an array' : typeof group}`);
    }
    const checked = checkOptions<CompareOptions>('compare', options, ['confidenceLevel', 'minSampleSize']);
    const [a, b] = await Promise.all([this.getMetrics(name, { where: groupA }), this.getMetrics(name, { where: groupB })]);
    return compareSamples(
      a.map((r) => r.value),
      b.map((r) => r.value),
      checked,
    );
  }

  /** Closes the store (idempotent). Later calls reject with STORE_CLOSED. */
  async close(): Promise<void> {
    await this.storage.close();
  }
}

function validateMetricNameArg(name: unknown): void {
  try {
    validateMetricName(name);
  } catch (e) {
    if (e instanceof LearningError) throw new LearningError('INVALID_ARGUMENT', e.message, { cause: e });
    throw e;
  }
}
