import { LearningError } from '../errors.js';
import { checkOptions } from '../options.js';
import { readClock, type Metadata, type MetricRecord } from '../record.js';
import type { FeedbackLoop, Finding } from './feedback-loop.js';
import { RESERVED_METRIC_PREFIX } from './insight-engine.js';
import { compareInsights, INSIGHT_SEVERITY, type InsightKind, type LearningInsight } from './learning-insight.js';

/** The metric under which an `AutoOptimizer` stores its audit trail (reserved: the insight engine skips `autodev.*`). */
export const OPTIMIZATION_METRIC = `${RESERVED_METRIC_PREFIX}optimization`;

/** Reverses one application; returned by `apply`. */
export type UndoOptimization = () => void | Promise<void>;

/**
 * Which insights an action handles. Every field given must match; a list matches any of its values. A
 * metric ending in `*` is a prefix (`api_latency*`), as in polarity overrides.
 */
export interface OptimizationTarget {
  readonly kind?: InsightKind | readonly InsightKind[];
  readonly category?: string | readonly string[];
  readonly metric?: string | readonly string[];
}

/** An optimization the `AutoOptimizer` may apply on its own. */
export interface OptimizationAction {
  /** Unique name, kept in the audit trail. */
  readonly id: string;
  /** The insights it handles (at least one of kind, category, metric). */
  readonly handles: OptimizationTarget;
  /**
   * Makes the change. May return a function that reverses it, called if the targeted metric is confirmed
   * worse afterwards. A thrown error is recorded as a failed application and does not stop the others.
   */
  apply(insight: LearningInsight): void | UndoOptimization | Promise<void | UndoOptimization>;
  /**
   * Reverses an application when the function `apply` returned is not at hand (a new process after a
   * restart: functions are not stored). Without either, a needed revert is recorded as `revert-failed`.
   */
  undo?(application: OptimizationApplication): void | Promise<void>;
}

/** Where an application stands: open while its metric is watched, then kept or reverted (or failed outright). */
export type ApplicationStatus = 'applied' | 'failed' | 'reverted' | 'revert-failed' | 'kept';
const APPLICATION_STATUSES: readonly ApplicationStatus[] = ['applied', 'failed', 'reverted', 'revert-failed', 'kept'];

/** One entry of the audit trail. */
export interface OptimizationApplication {
  readonly id: string;
  readonly actionId: string;
  /** The insight's `evidence.findingId` (see `FeedbackLoop`), or `kind:metric@run` for insights that are not findings. */
  readonly insightId: string;
  readonly insightKind: InsightKind;
  readonly metric?: string;
  /** The insight's confidence when the action was applied. */
  readonly confidence: number;
  /** Clock time of the application (the optimizer's `now`). */
  readonly appliedAt: number;
  /** Timestamp of the metric's newest run when the action was applied: runs after it are the action's follow-up. */
  readonly afterRun?: number;
  /** Median of the metric's newest 3 runs when the action was applied. */
  readonly levelBefore?: number;
  readonly status: ApplicationStatus;
  /** The error of a failed application or revert. */
  readonly error?: string;
  /** When it was reverted, kept, or its revert failed. */
  readonly closedAt?: number;
  /** The confirmed regression finding that caused the revert. */
  readonly revertedBecause?: string;
}

/** What one call did (or, in a dry run, would do) for one insight or application. */
export interface OptimizationResult {
  readonly status: 'applied' | 'failed' | 'dry-run' | 'skipped' | 'reverted' | 'revert-failed' | 'would-revert' | 'kept';
  readonly actionId: string;
  readonly insightId: string;
  readonly metric?: string;
  /** The application it created or judged (not for `dry-run` and `skipped`). */
  readonly applicationId?: string;
  /** Why it was skipped, the error, or the finding behind a revert. */
  readonly reason?: string;
}

/** Options of {@link AutoOptimizer}. */
export interface AutoOptimizerOptions {
  /** Insights at or above this confidence are acted on. @default 0.8 (the guide's "act on ≥ 0.8") */
  threshold?: number;
  /**
   * Runs of a metric after an application before another action may touch that metric; also how long the
   * application is watched for a regression. @default 10
   */
  cooldownRuns?: number;
  /** Most applications (successful or failed) per call. @default 3 */
  maxPerCall?: number;
  /** Clock for the audit trail. @default Date.now */
  now?: () => number;
}

const KINDS = new Set(Object.keys(INSIGHT_SEVERITY));
const MAX_ERROR_LENGTH = 500;

const list = <T extends string>(v: T | readonly T[] | undefined): readonly T[] | undefined => (v === undefined ? undefined : typeof v === 'string' ? [v] : v);

function checkTarget(id: string, handles: unknown): void {
  const bad = (msg: string) => new LearningError('INVALID_ARGUMENT', `optimization "${id}": ${msg}`);
  if (typeof handles !== 'object' || handles === null || Array.isArray(handles))
    throw bad('handles must be an object such as { kind: "regression", metric: "test_duration" }');
  const h = handles as Record<string, unknown>;
  for (const key of Object.keys(h))
    if (key !== 'kind' && key !== 'category' && key !== 'metric') throw bad(`handles.${key} is not a known field; use kind, category or metric`);
  if (h.kind === undefined && h.category === undefined && h.metric === undefined)
    throw bad('handles needs at least one of kind, category or metric, so the action does not run on every insight');
  for (const key of ['kind', 'category', 'metric'] as const) {
    const v = h[key];
    if (v === undefined) continue;
    const values = typeof v === 'string' ? [v] : Array.isArray(v) ? (v as unknown[]) : undefined;
    if (!values || values.length === 0 || values.some((x) => typeof x !== 'string' || x.trim() === ''))
      throw bad(`handles.${key} must be a non-empty string or a non-empty list of them`);
    if (key === 'kind') for (const k of values as string[]) if (!KINDS.has(k)) throw bad(`handles.kind "${k}" is not an insight kind; use one of ${[...KINDS].sort().join(', ')}`);
  }
}

const matchesMetric = (patterns: readonly string[], metric: string | undefined): boolean =>
  metric !== undefined && patterns.some((p) => (p.endsWith('*') ? metric.startsWith(p.slice(0, -1)) : metric === p));

function handles(action: OptimizationAction, insight: LearningInsight): boolean {
  const { kind, category, metric } = action.handles;
  const kinds = list(kind);
  const categories = list(category);
  const metrics = list(metric);
  return (!kinds || kinds.includes(insight.kind)) && (!categories || categories.includes(insight.category)) && (!metrics || matchesMetric(metrics, insight.metric));
}

function isInsightList(x: unknown): x is readonly LearningInsight[] {
  if (!Array.isArray(x)) return false;
  return (x as unknown[]).every((i) => typeof i === 'object' && i !== null && typeof (i as LearningInsight).confidence === 'number' && typeof (i as LearningInsight).kind === 'string');
}

/** FNV-1a, for a short stable id of an insight that has no finding and no metric. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

const message = (e: unknown): string => {
  const m = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return m.length > MAX_ERROR_LENGTH ? `${m.slice(0, MAX_ERROR_LENGTH - 1)}…` : m;
};

/**
 * Did the confirmed (or pending) regression come after the application? The metric's level when the action
 * was applied must still have been on the baseline side of the change the finding claims (halfway, as in
 * `decideFinding`): a step that was already there — the one the action answered, re-detected later — has its
 * new level at the level before the action and does not count.
 */
function cameAfter(f: Finding, levelBefore: number | undefined): boolean {
  if (levelBefore === undefined) return true;
  const mid = (f.baseline + f.flagged) / 2;
  return f.direction === 'increase' ? levelBefore < mid : levelBefore > mid;
}

/**
 * Applies registered optimizations for high-confidence insights on its own, keeps an audit trail in the
 * tracker, and reverts an application when the feedback loop confirms that its metric got worse — the guide's
 * `if insight.confidence >= 0.8: apply_optimization(insight.suggested_action)`, with guardrails.
 *
 * - `register(action)`: an id, the insights it handles (kind / category / metric) and `apply(insight)`, which
 *   may return an undo function (and an optional `undo(application)` for after a restart).
 * - `applyOptimizations(insights, { dryRun })`: first judges earlier applications (below), then, for each
 *   insight at or above `threshold` (most confident first), applies the first registered action that handles
 *   it. Guardrails: one application per metric per `cooldownRuns` runs of it; at most `maxPerCall` per call;
 *   an action already reverted on a metric is not applied to it again; an error thrown by an action is caught,
 *   recorded as `failed`, and the others go on. A dry run calls nothing and records nothing: it returns what
 *   would be applied (`dry-run`) and reverted (`would-revert`).
 * - Judging: an application stays open for `cooldownRuns` runs of its metric. If the loop raises a regression
 *   on that metric in that span, whose change came after the application, and confirms it (its follow-up
 *   runs stayed worse), the action is undone and the revert recorded (`reverted`, `revertedBecause` = the
 *   finding's id). Otherwise, once the span has passed with no such regression pending, it is `kept`.
 *   Applications to insights without a metric are never judged.
 * - Every application, failure, revert and keep is stored as a record of `autodev.optimization` in the
 *   loop's tracker, so a new optimizer on the same store knows the history, the cooldowns, and what to watch.
 *
 * Call `applyOptimizations` after every `evaluateIteration`, also with no insights, so that earlier
 * applications are judged.
 *
 * @throws {LearningError} INVALID_ARGUMENT for a bad option (see each method for its own).
 * @example
 * const loop = new FeedbackLoop(tracker);
 * const optimizer = new AutoOptimizer(loop).register({
 *   id: 'more-test-shards',
 *   handles: { kind: ['regression', 'budget-breach'], metric: 'test_duration' },
 *   apply: async () => { await setShards(shards + 1); return () => setShards(shards); },
 * });
 * const insights = await loop.evaluateIteration({ test_duration: 14.2 });
 * for (const r of await optimizer.applyOptimizations(insights)) console.log(r.status, r.actionId, r.reason ?? '');
 * @see docs/insights.md, "Applying optimizations automatically"
 */
export class AutoOptimizer {
  readonly #loop: FeedbackLoop;
  readonly #options: Required<AutoOptimizerOptions>;
  readonly #actions: OptimizationAction[] = [];
  readonly #applications: OptimizationApplication[] = [];
  /** Undo functions returned by `apply` in this process, by application id. */
  readonly #undos = new Map<string, UndoOptimization>();
  #loaded: Promise<void> | undefined;
  #seq = 0;

  constructor(loop: FeedbackLoop, optionsInput: AutoOptimizerOptions = {}) {
    if (typeof loop !== 'object' || loop === null || typeof loop.history !== 'function' || typeof loop.tracker?.recordMetric !== 'function')
      throw new LearningError('INVALID_ARGUMENT', 'AutoOptimizer needs a FeedbackLoop (new AutoOptimizer(new FeedbackLoop(tracker)))');
    // A misspelt guardrail ({ cooldown_runs: 20 }) would otherwise silently keep the default.
    const options = checkOptions<AutoOptimizerOptions>('AutoOptimizer', optionsInput, ['threshold', 'cooldownRuns', 'maxPerCall', 'now']);
    const o = { threshold: options.threshold ?? 0.8, cooldownRuns: options.cooldownRuns ?? 10, maxPerCall: options.maxPerCall ?? 3, now: options.now ?? Date.now };
    if (!(o.threshold >= 0 && o.threshold <= 1)) throw new LearningError('INVALID_ARGUMENT', `threshold must be in [0, 1], got ${String(o.threshold)}; use 0.8 for 80%`);
    if (!(Number.isInteger(o.cooldownRuns) && o.cooldownRuns >= 1)) throw new LearningError('INVALID_ARGUMENT', `cooldownRuns must be a whole number >= 1, got ${String(o.cooldownRuns)}`);
    if (!(Number.isInteger(o.maxPerCall) && o.maxPerCall >= 1)) throw new LearningError('INVALID_ARGUMENT', `maxPerCall must be a whole number >= 1, got ${String(o.maxPerCall)}`);
    if (typeof o.now !== 'function') throw new LearningError('INVALID_ARGUMENT', 'now must be a function returning a timestamp');
    this.#loop = loop;
    this.#options = o;
  }

  /**
   * Adds an action; actions registered first are preferred when several handle an insight.
   * @throws {LearningError} INVALID_ARGUMENT when the id is empty or already registered, `handles` names no
   * kind, category or metric (or an unknown kind or field), or `apply` / `undo` is not a function.
   */
  register(action: OptimizationAction): this {
    if (typeof action !== 'object' || action === null) throw new LearningError('INVALID_ARGUMENT', 'register(action): action must be an object { id, handles, apply }');
    const { id } = action;
    if (typeof id !== 'string' || id.trim() === '') throw new LearningError('INVALID_ARGUMENT', 'register(action): action.id must be a non-empty string');
    if (this.#actions.some((a) => a.id === id)) throw new LearningError('INVALID_ARGUMENT', `optimization "${id}" is already registered; give each action its own id`);
    checkTarget(id, action.handles);
    if (typeof action.apply !== 'function') throw new LearningError('INVALID_ARGUMENT', `optimization "${id}": apply must be a function (insight) => undo | void`);
    if (action.undo !== undefined && typeof action.undo !== 'function') throw new LearningError('INVALID_ARGUMENT', `optimization "${id}": undo must be a function (application) => void when given`);
    this.#actions.push(action);
    return this;
  }

  /**
   * The audit trail, oldest first, with each application's current status; includes those stored by earlier
   * optimizers on the same tracker.
   */
  async history(filterInput: { metric?: string; status?: ApplicationStatus } = {}): Promise<OptimizationApplication[]> {
    const filter = checkOptions('history', filterInput, ['metric', 'status']);
    // A misspelt status ('revert') used to match nothing and read as "no applications".
    if (filter.status !== undefined && !(APPLICATION_STATUSES as readonly unknown[]).includes(filter.status))
      throw new LearningError('INVALID_ARGUMENT', `history: status must be one of ${APPLICATION_STATUSES.join(', ')}, got ${JSON.stringify(filter.status)}`);
    await this.#load();
    return this.#applications.filter((a) => (filter.metric === undefined || a.metric === filter.metric) && (filter.status === undefined || a.status === filter.status));
  }

  /**
   * Judges earlier applications (reverting those whose metric was confirmed worse), then applies the registered
   * actions to the insights at or above the threshold (see the class doc for the guardrails).
   * @returns What was reverted, kept, applied, failed or skipped in this call (in a dry run: what would be).
   * @throws {LearningError} INVALID_ARGUMENT when `insights` is not an array of insights.
   */
  async applyOptimizations(insights: readonly LearningInsight[], optionsInput: { dryRun?: boolean } = {}): Promise<OptimizationResult[]> {
    if (!isInsightList(insights)) throw new LearningError('INVALID_ARGUMENT', 'applyOptimizations(insights): pass the array evaluateIteration (or generateInsights) returned');
    // { dry_run: true } must not be read as "apply for real".
    const options = checkOptions('applyOptimizations', optionsInput, ['dryRun']);
    if (options.dryRun !== undefined && typeof options.dryRun !== 'boolean') throw new LearningError('INVALID_ARGUMENT', `applyOptimizations: dryRun must be true or false, got ${String(options.dryRun)}`);
    const dryRun = options.dryRun === true;
    await this.#load();
    const out = await this.#judge(dryRun);
    const tracker = this.#loop.tracker;
    const series = new Map<string, readonly MetricRecord[]>();
    const read = async (metric: string) => {
      let s = series.get(metric);
      if (!s) series.set(metric, (s = await tracker.getMetrics(metric)));
      return s;
    };
    const takenNow = new Set<string>();
    let count = 0;
    // Actions answer news: an established shift (a step whose new level has held for over 10 runs) was news, and
    // could be acted on, while it was recent; acting on it now would be judged against a level it already set.
    const news = insights.filter((i) => i.confidence >= this.#options.threshold && i.evidence.source !== 'established');
    for (const insight of news.sort(compareInsights)) {
      const matching = this.#actions.filter((a) => handles(a, insight));
      if (matching.length === 0) continue;
      const metric = insight.metric;
      const records = metric === undefined ? [] : await read(metric);
      const insightId = typeof insight.evidence.findingId === 'string'
        ? insight.evidence.findingId
        : metric === undefined
          ? `${insight.kind}:${insight.category}:${fnv1a(insight.description)}`
          : `${insight.kind}:${metric}@${records.at(-1)?.timestamp ?? 'none'}`;
      const base = { insightId, ...(metric === undefined ? {} : { metric }) };
      const eligible = metric === undefined ? matching : matching.filter((a) => !this.#applications.some((p) => p.actionId === a.id && p.metric === metric && (p.status === 'reverted' || p.status === 'revert-failed')));
      if (eligible.length === 0) {
        out.push({ ...base, status: 'skipped', actionId: matching[0]!.id, reason: `already reverted on ${metric} (a regression followed it); not applied again` });
        continue;
      }
      const action = eligible[0]!;
      if (metric !== undefined) {
        const cooling = this.#cooldown(metric, records, takenNow);
        if (cooling) {
          out.push({ ...base, status: 'skipped', actionId: action.id, reason: cooling });
          continue;
        }
      }
      if (count >= this.#options.maxPerCall) {
        out.push({ ...base, status: 'skipped', actionId: action.id, reason: `at most ${this.#options.maxPerCall} applications per call (maxPerCall)` });
        continue;
      }
      count++;
      if (metric !== undefined) takenNow.add(metric);
      if (dryRun) {
        out.push({ ...base, status: 'dry-run', actionId: action.id });
        continue;
      }
      out.push(await this.#apply(action, insight, insightId, records));
    }
    return out;
  }

  /** Why the metric is cooling down, or undefined when an action may touch it now. */
  #cooldown(metric: string, records: readonly MetricRecord[], takenNow: ReadonlySet<string>): string | undefined {
    const n = this.#options.cooldownRuns;
    if (takenNow.has(metric)) return `${metric} already has an application in this call (one per ${n} runs)`;
    const last = this.#applications.findLast((a) => a.metric === metric);
    if (!last) return undefined;
    const after = last.afterRun ?? Number.NEGATIVE_INFINITY;
    const runs = records.filter((r) => r.timestamp > after).length;
    return runs < n ? `cooldown: ${runs} of ${n} runs of ${metric} since application ${last.id} (${last.actionId})` : undefined;
  }

  async #apply(action: OptimizationAction, insight: LearningInsight, insightId: string, records: readonly MetricRecord[]): Promise<OptimizationResult> {
    const appliedAt = readClock(this.#options.now);
    const id = `${appliedAt.toString(36)}-${(this.#seq++).toString(36)}`;
    const metric = insight.metric;
    const last = records.at(-1);
    const app = {
      id,
      actionId: action.id,
      insightId,
      insightKind: insight.kind,
      ...(metric === undefined ? {} : { metric }),
      confidence: insight.confidence,
      appliedAt,
      ...(last === undefined ? {} : { afterRun: last.timestamp, levelBefore: median(records.slice(-3).map((r) => r.value)) }),
    };
    let application: OptimizationApplication;
    try {
      const undo = await action.apply(insight);
      if (typeof undo === 'function') this.#undos.set(id, undo);
      application = { ...app, status: 'applied' };
    } catch (e) {
      application = { ...app, status: 'failed', error: message(e) };
    }
    this.#applications.push(application);
    await this.#record(application, application.status === 'applied' ? 'applied' : 'failed', appliedAt);
    return {
      status: application.status === 'applied' ? 'applied' : 'failed',
      actionId: action.id,
      insightId,
      ...(metric === undefined ? {} : { metric }),
      applicationId: id,
      ...(application.error === undefined ? {} : { reason: application.error }),
    };
  }

  /** Reverts open applications whose metric the loop confirmed worse; closes those whose watch is over. */
  async #judge(dryRun: boolean): Promise<OptimizationResult[]> {
    const out: OptimizationResult[] = [];
    const n = this.#options.cooldownRuns;
    for (let i = 0; i < this.#applications.length; i++) {
      const app = this.#applications[i]!;
      if (app.status !== 'applied' || app.metric === undefined) continue;
      const after = app.afterRun ?? Number.NEGATIVE_INFINITY;
      const followUp = (await this.#loop.tracker.getMetrics(app.metric)).filter((r) => r.timestamp > after);
      const windowEnd = followUp.length >= n ? followUp[n - 1]!.timestamp : Number.POSITIVE_INFINITY;
      const regressions = (await this.#loop.history({ metric: app.metric })).filter(
        (f) => f.kind === 'regression' && f.raisedAt > after && f.raisedAt <= windowEnd && cameAfter(f, app.levelBefore),
      );
      const base = { actionId: app.actionId, insightId: app.insightId, metric: app.metric, applicationId: app.id };
      const worse = regressions.find((f) => f.outcome === 'confirmed');
      if (worse) {
        const reason = `regression ${worse.id} confirmed after the action: ${worse.description}`;
        if (dryRun) out.push({ ...base, status: 'would-revert', reason });
        else if (!this.#undos.has(app.id) && !this.#actions.some((a) => a.id === app.actionId))
          // Applied by an earlier process and not registered in this one (yet): leave it open rather than give up.
          out.push({ ...base, status: 'skipped', reason: `${reason}; register action "${app.actionId}" (with an undo(application)) to revert it` });
        else out.push({ ...base, ...(await this.#revert(i, worse, reason)) });
      } else if (!dryRun && followUp.length >= n && !regressions.some((f) => f.outcome === 'pending')) {
        const closed: OptimizationApplication = { ...app, status: 'kept', closedAt: readClock(this.#options.now) };
        this.#applications[i] = closed;
        this.#undos.delete(app.id);
        await this.#record(closed, 'kept', closed.closedAt!);
        out.push({ ...base, status: 'kept', reason: `no regression of ${app.metric} confirmed in the ${n} runs after it` });
      }
    }
    return out;
  }

  async #revert(i: number, worse: Finding, reason: string): Promise<Pick<OptimizationResult, 'status' | 'reason'>> {
    const app = this.#applications[i]!;
    const action = this.#actions.find((a) => a.id === app.actionId);
    const undo = this.#undos.get(app.id) ?? (action?.undo ? () => action.undo!(app) : undefined);
    const closedAt = readClock(this.#options.now);
    let closed: OptimizationApplication;
    if (!undo) {
      const error = `action "${app.actionId}" returned no undo function and has no undo(application)`;
      closed = { ...app, status: 'revert-failed', error, closedAt, revertedBecause: worse.id };
    } else {
      try {
        await undo();
        closed = { ...app, status: 'reverted', closedAt, revertedBecause: worse.id };
      } catch (e) {
        closed = { ...app, status: 'revert-failed', error: message(e), closedAt, revertedBecause: worse.id };
      }
    }
    this.#applications[i] = closed;
    this.#undos.delete(app.id);
    await this.#record(closed, closed.status, closedAt);
    return { status: closed.status as 'reverted' | 'revert-failed', reason: closed.error === undefined ? reason : `${reason}; undo failed: ${closed.error}` };
  }

  async #record(a: OptimizationApplication, event: ApplicationStatus, timestamp: number): Promise<void> {
    const metadata: Metadata =
      event === 'applied' || event === 'failed'
        ? {
            event,
            id: a.id,
            actionId: a.actionId,
            insightId: a.insightId,
            insightKind: a.insightKind,
            ...(a.metric === undefined ? {} : { metric: a.metric }),
            ...(a.afterRun === undefined ? {} : { afterRun: a.afterRun }),
            ...(a.levelBefore === undefined ? {} : { levelBefore: a.levelBefore }),
            ...(a.error === undefined ? {} : { error: a.error }),
          }
        : { event, id: a.id, ...(a.error === undefined ? {} : { error: a.error }), ...(a.revertedBecause === undefined ? {} : { revertedBecause: a.revertedBecause }) };
    await this.#loop.tracker.recordMetric(OPTIMIZATION_METRIC, a.confidence, metadata, { timestamp });
  }

  /** Loads the audit trail stored by earlier optimizers on the same tracker (once). */
  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      const byId = new Map<string, OptimizationApplication>();
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
      for (const r of await this.#loop.tracker.getMetrics(OPTIMIZATION_METRIC)) {
        const m = r.metadata;
        const id = str(m.id);
        if (!id) continue;
        if (m.event === 'applied' || m.event === 'failed') {
          const actionId = str(m.actionId);
          const insightId = str(m.insightId);
          const kind = str(m.insightKind);
          if (!actionId || !insightId || !kind || !KINDS.has(kind)) continue;
          const metric = str(m.metric);
          const afterRun = num(m.afterRun);
          const levelBefore = num(m.levelBefore);
          const error = str(m.error);
          byId.set(id, {
            id,
            actionId,
            insightId,
            insightKind: kind as InsightKind,
            ...(metric === undefined ? {} : { metric }),
            confidence: r.value,
            appliedAt: r.timestamp,
            ...(afterRun === undefined ? {} : { afterRun }),
            ...(levelBefore === undefined ? {} : { levelBefore }),
            status: m.event,
            ...(error === undefined ? {} : { error }),
          });
        } else if (m.event === 'reverted' || m.event === 'revert-failed' || m.event === 'kept') {
          const a = byId.get(id);
          if (!a) continue;
          const error = str(m.error);
          const because = str(m.revertedBecause);
          byId.set(id, { ...a, status: m.event, closedAt: r.timestamp, ...(error === undefined ? {} : { error }), ...(because === undefined ? {} : { revertedBecause: because }) });
        }
      }
      this.#applications.unshift(...byId.values());
      this.#seq = Math.max(this.#seq, this.#applications.length);
    })();
    return this.#loaded;
  }
}
