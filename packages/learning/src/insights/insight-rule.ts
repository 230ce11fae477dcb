import type { JsonValue, MetricRecord } from '../record.js';
import type { LearningInsight } from './learning-insight.js';
import type { LearningPolicy } from './policy.js';
import type { PolarityRegistry } from './polarity.js';

/** Options a rule may pass to `ctx.analyzeTrends`, as `MetricsTracker.analyzeTrends` takes them. */
export interface InsightTrendOptions {
  windowSize?: number;
  where?: Record<string, JsonValue>;
}

/**
 * What the insight engine needs from a tracker. `MetricsTracker` provides all of it; any object
 * with these methods works, which keeps rules testable without a tracker.
 */
export interface InsightTracker {
  /** Records of one metric, oldest first. */
  getMetrics(name: string): Promise<readonly MetricRecord[]>;
  /** Every record (used to list metric names when the tracker cannot list them directly). */
  getMetrics(): Promise<readonly MetricRecord[]>;
  /** The tracker's trend analysis of a metric. */
  analyzeTrends(name: string, options?: InsightTrendOptions): Promise<unknown>;
  /** Distinct metric names, if the tracker can list them without reading every record. */
  names?(): Promise<readonly string[]>;
}

/**
 * What a rule sees. Series are read once per engine run and shared by every rule.
 */
export interface InsightContext<T extends InsightTracker = InsightTracker> {
  /** The tracker the engine runs on. */
  readonly tracker: T;
  /** Metric names under analysis, sorted, without the reserved `autodev.` prefix. */
  readonly names: readonly string[];
  /** The records of a metric, oldest first (cached for the run). */
  series(name: string): Promise<readonly MetricRecord[]>;
  /** The tracker's `analyzeTrends`, bound to it. */
  analyzeTrends(name: string, options?: InsightTrendOptions): ReturnType<T['analyzeTrends']>;
  /** Which direction of each metric is good. */
  readonly polarity: PolarityRegistry;
  /** Budgets and per-metric settings. */
  readonly policy: LearningPolicy;
  /** The engine run's clock reading (epoch milliseconds). */
  readonly now: number;
}

/**
 * A custom insight rule: reads the context, returns insights (possibly none). Register one with
 * `tracker.addRule(rule)` or pass it in `runInsightEngine(tracker, { rules })`.
 * @example
 * const highMemory: InsightRule<MetricsTracker> = async (ctx) => {
 *   const points = await ctx.series('memory_usage');
 *   if (points.length < 5) return [];
 *   const { mean } = await ctx.analyzeTrends('memory_usage');
 *   return mean > 1000 ? [new LearningInsight({ category: 'resource', description: 'High memory usage detected',
 *     confidence: 0.85, suggestedAction: 'Profile memory usage', metric: 'memory_usage' })] : [];
 * };
 */
export type InsightRule<T extends InsightTracker = InsightTracker> = (
  ctx: InsightContext<T>,
) => readonly LearningInsight[] | Promise<readonly LearningInsight[]>;
