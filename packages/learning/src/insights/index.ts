// Insights (issue 4): LearningInsight, polarity, policy and budgets, rules, the insight engine, FeedbackLoop, AutoOptimizer.
export { compareInsights, confidenceText, INSIGHT_SEVERITY, isFactKind, isPastFinding, LearningInsight, type InsightCategory, type InsightEvidence, type InsightKind, type LearningInsightInit } from './learning-insight.js';
export { BUILTIN_POLARITIES, createPolarityRegistry, inferPolarity, judgeChange, metricNameTokens, polarityOf, type Polarity, type PolarityRegistry } from './polarity.js';
export { checkBudgets, EMPTY_POLICY, parsePolicy, type BudgetBreach, type BudgetSource, type LearningPolicy, type MetricPolicy } from './policy.js';
export {
  adjustConfidence,
  learnReliability,
  NO_RELIABILITY,
  PERFECT_OUTCOME_TEST,
  pooledShift,
  type MetricReliability,
  type OutcomeTest,
  type ReliabilityOptions,
} from './reliability.js';
export type { InsightContext, InsightRule, InsightTracker, InsightTrendOptions } from './insight-rule.js';
export { BUILTIN_RULES, categoryOf, isLintMetric, type BuiltinRuleName } from './builtin-rules.js';
export { DEFAULT_MAX_HISTORY, DEFAULT_MIN_CONFIDENCE, listMetricNames, RESERVED_METRIC_PREFIX, runInsightEngine, type InsightEngineOptions } from './insight-engine.js';
export { decideFinding, FeedbackLoop, FINDING_METRIC, OUTCOME_TESTS, type FeedbackLoopOptions, type FeedbackTracker, type Finding, type FindingFamily, type FindingOutcome } from './feedback-loop.js';
export {
  AutoOptimizer,
  OPTIMIZATION_METRIC,
  type ApplicationStatus,
  type AutoOptimizerOptions,
  type OptimizationAction,
  type OptimizationApplication,
  type OptimizationResult,
  type OptimizationTarget,
  type UndoOptimization,
} from './optimizations.js';
export { suggestFromInsights, type OptimizationContext, type OptimizationSuggestion, type SuggestionHistory } from './suggestions.js';
