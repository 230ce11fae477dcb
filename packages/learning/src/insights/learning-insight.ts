import { LearningError } from '../errors.js';
import { rejectUnknownKeys } from '../options.js';

/** The guide's categories; any other string is accepted for custom rules. */
export type InsightCategory = 'performance' | 'quality' | 'resource' | 'reliability' | 'budget' | 'data' | (string & {});

/**
 * What kind of finding an insight is. Built-in rules set one of the named kinds; an insight
 * constructed by hand (the guide's custom rule) is `'custom'`. `'change'` is a significant shift of a
 * metric whose polarity is `'neutral'` (neither direction is known to be better).
 */
export type InsightKind =
  | 'regression'
  | 'improvement'
  | 'change'
  | 'trend'
  | 'anomaly'
  | 'budget-breach'
  | 'forecast-breach'
  | 'insufficient-data'
  | 'lint-errors'
  | 'custom';

/**
 * The numbers behind an insight. Built-in rules fill the fields that apply; custom rules may add
 * their own. Every value is a number, string, boolean or null so an insight serializes to JSON as is.
 */
export interface InsightEvidence {
  /** Points of the metric the rule looked at. */
  n?: number;
  /** p-value of the test the rule ran (null when the rule states a fact, not a test). */
  pValue?: number | null;
  /** Median of the baseline (the segment before the change). */
  baselineMedian?: number;
  /** Median (or value) of the newest run(s). */
  currentMedian?: number;
  /** Relative change of current vs baseline: `(current - baseline) / |baseline|`. */
  relativeChange?: number;
  /** The confidence the statistics produced before the feedback loop's per-metric recalibration. */
  statisticalConfidence?: number;
  [key: string]: number | string | boolean | null | undefined;
}

/** What `new LearningInsight(...)` accepts: the guide's four fields, plus optional context. */
export interface LearningInsightInit {
  category: InsightCategory;
  description: string;
  /** Probability in [0, 1] that the finding is real. */
  confidence: number;
  suggestedAction: string;
  /** The metric the insight is about, when there is one. */
  metric?: string;
  /** The numbers behind the insight. */
  evidence?: InsightEvidence;
  /** @default 'custom' */
  kind?: InsightKind;
}

/**
 * A structured finding with a confidence, as the guide's `LearningInsight`.
 *
 * `confidence` is a probability that the finding is real: the built-in rules compute it from
 * their statistics (see docs/insights.md for the mapping), so "act on confidence ≥ 0.8" means that
 * about 8 in 10 such insights are real. An insight is immutable once built.
 *
 * @throws {LearningError} INVALID_ARGUMENT when `confidence` is not a number in [0, 1], or when
 * `category`, `description` or `suggestedAction` is not a non-empty string.
 * @example
 * const insight = new LearningInsight({
 *   category: 'performance',
 *   description: 'Test execution time is increasing',
 *   confidence: 0.8,
 *   suggestedAction: 'Review test efficiency',
 * });
 * @see docs/insights.md
 */
/** Insight kinds that state a measured fact of the newest run (confidence 1), not a statistical finding. */
export const isFactKind = (kind: string): boolean => kind === 'budget-breach' || kind === 'lint-errors';

/**
 * A confidence for people: two decimals, except that a statistical finding from 0.995 up reads "> 0.99", never
 * "1.00": a calibrated confidence is not certainty (0.996 means about 4 in 1,000 such findings are false). Facts
 * (`fact: true`, see {@link isFactKind}) are certain and keep "1.00". Not a number: "–".
 */
export function confidenceText(confidence: number, options: { readonly fact?: boolean } = {}): string {
  if (!Number.isFinite(confidence)) return '–';
  return confidence >= 0.995 && !options.fact ? '> 0.99' : confidence.toFixed(2);
}

const INSIGHT_FIELDS = ['kind', 'category', 'metric', 'description', 'confidence', 'suggestedAction', 'evidence'] as const satisfies ReadonlyArray<keyof LearningInsightInit>;

export class LearningInsight {
  readonly category: InsightCategory;
  readonly description: string;
  readonly confidence: number;
  readonly suggestedAction: string;
  readonly metric: string | undefined;
  readonly evidence: Readonly<InsightEvidence>;
  readonly kind: InsightKind;

  constructor(init: LearningInsightInit) {
    if (typeof init !== 'object' || init === null)
      throw new LearningError('INVALID_ARGUMENT', 'LearningInsight needs an object { category, description, confidence, suggestedAction }');
    // A misspelt field would be dropped without a word (`evidance`), or reported as a missing one (the guide's
    // Python `suggested_action` as "suggestedAction … got undefined").
    rejectUnknownKeys('LearningInsight', init, INSIGHT_FIELDS, { noun: 'field' });
    const { category, description, confidence, suggestedAction, metric, evidence, kind = 'custom' } = init;
    const text = (field: string, v: unknown): string => {
      if (typeof v !== 'string' || v.trim() === '')
        throw new LearningError('INVALID_ARGUMENT', `LearningInsight.${field} must be a non-empty string, got ${v === '' ? 'an empty string' : typeof v}`);
      return v;
    };
    this.category = text('category', category);
    this.description = text('description', description);
    this.suggestedAction = text('suggestedAction', suggestedAction);
    if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1))
      throw new LearningError(
        'INVALID_ARGUMENT',
        `LearningInsight.confidence must be a probability between 0 and 1, got ${String(confidence)}; use 0.85 for 85%, not 85`,
      );
    this.confidence = confidence;
    if (metric !== undefined && typeof metric !== 'string') throw new LearningError('INVALID_ARGUMENT', `LearningInsight.metric must be a string, got ${typeof metric}`);
    this.metric = metric;
    if (evidence !== undefined && (typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)))
      throw new LearningError('INVALID_ARGUMENT', 'LearningInsight.evidence must be an object of numbers and strings');
    this.evidence = Object.freeze({ ...(evidence ?? {}) });
    this.kind = kind;
    Object.freeze(this);
  }

  /** A copy with a different confidence (and the reason recorded in evidence); the original is untouched. */
  withConfidence(confidence: number, evidence: InsightEvidence = {}): LearningInsight {
    return new LearningInsight({ ...this.toJSON(), confidence, evidence: { ...this.evidence, ...evidence } });
  }

  /** Plain JSON form, for `--json` output and persistence. */
  toJSON(): Required<Omit<LearningInsightInit, 'metric'>> & { metric: string | undefined } {
    return {
      kind: this.kind,
      category: this.category,
      description: this.description,
      confidence: this.confidence,
      suggestedAction: this.suggestedAction,
      metric: this.metric,
      evidence: { ...this.evidence },
    };
  }
}

/** Severity order used to break confidence ties: facts and harm first. */
export const INSIGHT_SEVERITY: Readonly<Record<InsightKind, number>> = Object.freeze({
  'budget-breach': 6,
  regression: 5,
  'lint-errors': 4,
  anomaly: 3,
  'forecast-breach': 2,
  trend: 2,
  custom: 1,
  improvement: 1,
  change: 1,
  'insufficient-data': 0,
});

/** Sorts insights by confidence (highest first), then severity, then metric name: a stable, total order. */
export function compareInsights(a: LearningInsight, b: LearningInsight): number {
  return (
    b.confidence - a.confidence ||
    (INSIGHT_SEVERITY[b.kind] ?? 1) - (INSIGHT_SEVERITY[a.kind] ?? 1) ||
    (a.metric ?? '').localeCompare(b.metric ?? '') ||
    a.description.localeCompare(b.description)
  );
}

/**
 * True for an insight about the past rather than a verdict on the newest run: a one-off spike the next run
 * settled (`evidence.confirmed` anomaly) or an established shift (`evidence.source: 'established'`, a step whose
 * new level has become the baseline). They are reported so they are not missed, but a CI gate does not fail on
 * them and the feedback loop does not learn from them (their outcome was decided when they were news).
 */
export function isPastFinding(insight: LearningInsight): boolean {
  return (insight.kind === 'anomaly' && insight.evidence.confirmed === true) || insight.evidence.source === 'established';
}
