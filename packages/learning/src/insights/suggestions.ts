import { LearningError } from '../errors.js';
import { confidenceText, isFactKind, type LearningInsight } from './learning-insight.js';
import { metricNameTokens } from './polarity.js';

/** What the next piece of work is, for `suggestOptimizations`. Extra keys are allowed and ignored, except `task_type` (say `taskType`). */
export interface OptimizationContext {
  /** 'refactoring', 'feature', 'bugfix', 'performance', 'testing', 'documentation', or any other label. */
  taskType?: string;
  complexity?: 'low' | 'medium' | 'high';
  [key: string]: unknown;
}

/** One suggestion: what to do, how urgent, and why (with the numbers when they come from history). */
export interface OptimizationSuggestion {
  readonly category: string;
  readonly action: string;
  readonly priority: 'high' | 'medium' | 'low';
  readonly reason: string;
  /** The metric it is about, when it comes from history. */
  readonly metric?: string;
  /** The confidence of the finding behind it (1 for facts); absent for context advice. */
  readonly confidence?: number;
}

/** What the history holds, for context advice: metric names and their latest values. */
export interface SuggestionHistory {
  readonly latest: Readonly<Record<string, number>>;
}

const RANK = { high: 0, medium: 1, low: 2 } as const;
const fmt = (x: number) => String(Number(x.toFixed(Math.abs(x) >= 100 ? 1 : 2)));

function priorityOf(i: LearningInsight): OptimizationSuggestion['priority'] {
  // Facts (confidence 1 by measurement) and findings the guide says to act on (≥ 0.8) are high.
  if (i.confidence >= 0.8) return 'high';
  if (i.confidence >= 0.5) return 'medium';
  return 'low';
}

const HISTORY_KINDS = new Set(['regression', 'trend', 'anomaly', 'budget-breach', 'forecast-breach', 'lint-errors', 'custom']);

function fromHistory(insights: readonly LearningInsight[]): OptimizationSuggestion[] {
  const out: OptimizationSuggestion[] = [];
  for (const i of insights) {
    if (!HISTORY_KINDS.has(i.kind)) continue;
    // A trend or anomaly in the good direction needs no action; nor does a one-off spike the next run settled.
    if (i.evidence.judged === 'better' || (i.kind === 'anomaly' && i.evidence.confirmed === true)) continue;
    if (i.confidence < 0.5 && i.kind !== 'forecast-breach') continue;
    out.push({
      category: i.category,
      action: i.suggestedAction,
      priority: priorityOf(i),
      reason: `${i.description} (confidence ${confidenceText(i.confidence, { fact: isFactKind(i.kind) })})`,
      ...(i.metric === undefined ? {} : { metric: i.metric }),
      confidence: i.confidence,
    });
  }
  return out;
}

function find(latest: Readonly<Record<string, number>>, ...tokens: string[]): [string, number] | undefined {
  for (const [name, v] of Object.entries(latest)) {
    const t = metricNameTokens(name);
    if (tokens.some((w) => t.includes(w))) return [name, v];
  }
  return undefined;
}

function fromContext(context: OptimizationContext, history: SuggestionHistory): OptimizationSuggestion[] {
  const out: OptimizationSuggestion[] = [];
  const task = typeof context.taskType === 'string' ? context.taskType.toLowerCase() : undefined;
  const coverage = find(history.latest, 'coverage');
  const duration = find(history.latest, 'duration', 'time');
  const coverageNote = coverage ? ` (${coverage[0]} is ${fmt(coverage[1])} now)` : '';
  const durationNote = duration ? ` (${duration[0]} is ${fmt(duration[1])} now)` : '';
  switch (task) {
    case 'refactoring':
    case 'refactor':
      out.push({
        category: 'quality',
        action: 'Record test_duration and coverage_percent before and after the refactoring and compare the two groups (tracker.compare)',
        priority: 'medium',
        reason: `A refactoring should change no behaviour: unchanged coverage and no slowdown are the evidence${coverageNote}`,
      });
      break;
    case 'feature':
      out.push({
        category: 'quality',
        action: 'Add tests for the new code paths in the same change',
        priority: 'medium',
        reason: `New code without tests lowers coverage${coverageNote}`,
      });
      break;
    case 'bugfix':
    case 'bug':
    case 'fix':
      out.push({ category: 'quality', action: 'Write a failing test that reproduces the bug before fixing it', priority: 'medium', reason: 'The test proves the fix and keeps the bug from returning' });
      break;
    case 'performance':
    case 'optimization':
      out.push({
        category: 'performance',
        action: 'Measure before and after on the same machine and compare the groups (tracker.compare) instead of single runs',
        priority: 'medium',
        reason: `Single runs are noisy; a Mann–Whitney comparison with an effect interval shows whether the change is real${durationNote}`,
      });
      break;
    case 'testing':
    case 'tests':
      out.push({ category: 'performance', action: 'Watch test_duration as tests are added; keep slow tests out of the default suite', priority: 'low', reason: `More tests cost run time${durationNote}` });
      break;
    case 'documentation':
    case 'docs':
      out.push({ category: 'quality', action: 'Run the documentation examples in CI so they cannot drift', priority: 'low', reason: 'Shown code that is not executed goes stale' });
      break;
    default:
      break;
  }
  switch (context.complexity) {
    case 'high':
      out.push({
        category: 'process',
        action: 'Split the work into smaller iterations and evaluate each one (evaluateIteration)',
        priority: 'medium',
        reason: 'High complexity: small iterations make a regression attributable to one change',
      });
      out.push({
        category: 'quality',
        action: 'Add tests around the code you will change before changing it',
        priority: 'medium',
        reason: `High complexity raises the risk of breaking behaviour${coverageNote}`,
      });
      break;
    case 'medium':
      out.push({ category: 'process', action: 'Evaluate after each meaningful step rather than at the end', priority: 'low', reason: 'Medium complexity: earlier feedback is cheaper to act on' });
      break;
    default:
      break;
  }
  if (Object.keys(history.latest).length === 0)
    out.push({ category: 'data', action: 'Record metrics after every iteration (evaluateIteration) so suggestions can use history', priority: 'low', reason: 'No metrics recorded yet' });
  return out;
}

/**
 * Turns insights and a task context into suggestions, most urgent first (priority, then confidence,
 * history before context advice). Used by `FeedbackLoop.suggestOptimizations`, which adds in `extra`
 * the confirmed findings that have not recovered; exported for tools that have insights from elsewhere.
 * @throws {LearningError} INVALID_ARGUMENT when `context.complexity` is not 'low', 'medium' or 'high'.
 */
export function suggestFromInsights(
  insights: readonly LearningInsight[],
  context: OptimizationContext,
  history: SuggestionHistory,
  extra: readonly OptimizationSuggestion[] = [],
): OptimizationSuggestion[] {
  // Extra keys are the caller's own context, but the guide's Python spelling of a known one ({ task_type }) is a
  // mistake that silently dropped the task's advice.
  for (const key of Object.keys(context)) {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (camel !== key && (camel === 'taskType' || camel === 'complexity'))
      throw new LearningError('INVALID_ARGUMENT', `suggestOptimizations: context key "${key}": did you mean ${camel}? (context: { taskType, complexity, ... })`);
  }
  if (context.complexity !== undefined && !['low', 'medium', 'high'].includes(context.complexity))
    throw new LearningError('INVALID_ARGUMENT', `complexity must be "low", "medium" or "high", got ${JSON.stringify(context.complexity)}`);
  if (context.taskType !== undefined && typeof context.taskType !== 'string')
    throw new LearningError('INVALID_ARGUMENT', `taskType must be a string such as "refactoring", got ${typeof context.taskType}`);
  const all = [...fromHistory(insights), ...extra, ...fromContext(context, history)];
  return all
    .map((s, order) => ({ s, order }))
    .sort((a, b) => RANK[a.s.priority] - RANK[b.s.priority] || (b.s.confidence ?? -1) - (a.s.confidence ?? -1) || a.order - b.order)
    .map(({ s }) => s);
}
