import { LearningError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { Metadata, MetricRecord, MetricRecordInput } from '../record.js';
import { readClock, validateMetadata, validateMetricName } from '../record.js';
import type { InsightTracker } from './insight-rule.js';
import { DEFAULT_MIN_CONFIDENCE, listMetricNames, RESERVED_METRIC_PREFIX, runInsightEngine } from './insight-engine.js';
import { compareInsights, isPastFinding, type InsightKind, type LearningInsight } from './learning-insight.js';
import { categoryOf, whatToDo } from './builtin-rules.js';
import { createPolarityRegistry, judgeChange, type Polarity, type PolarityRegistry } from './polarity.js';
import { EMPTY_POLICY, toPolicy, type LearningPolicy } from './policy.js';
import { adjustConfidence, learnReliability, logit, pooledShift, type MetricReliability, type OutcomeTest } from './reliability.js';
import { suggestFromInsights, type OptimizationContext, type OptimizationSuggestion } from './suggestions.js';

/** The metric name under which the loop stores its findings (reserved: the insight engine skips `autodev.*`). */
export const FINDING_METRIC = `${RESERVED_METRIC_PREFIX}finding`;

/** What the loop needs from a tracker: the insight engine's reads plus recording. `MetricsTracker` has all of it. */
export interface FeedbackTracker extends InsightTracker {
  recordMetric(name: string, value: number, metadata?: Metadata, options?: { timestamp?: number }): Promise<unknown>;
  /** Records a batch all-or-nothing, when the tracker offers it (preferred: one iteration is one write). */
  recordMetrics?(records: readonly MetricRecordInput[]): Promise<unknown>;
}

/** Which detector a finding came from; reliability is learned per metric and family. */
export type FindingFamily = 'shift' | 'trend' | 'anomaly';

/** What became of a finding. */
export type FindingOutcome = 'pending' | 'confirmed' | 'refuted';
const FINDING_OUTCOMES: readonly FindingOutcome[] = ['pending', 'confirmed', 'refuted'];
const FINDING_FAMILIES: readonly FindingFamily[] = ['shift', 'trend', 'anomaly'];

/** A statistical claim the loop raised and follows up. */
export interface Finding {
  readonly id: string;
  readonly metric: string;
  readonly kind: Extract<InsightKind, 'regression' | 'improvement' | 'change' | 'trend' | 'anomaly'>;
  readonly family: FindingFamily;
  readonly direction: 'increase' | 'decrease';
  /** Timestamp of the newest point when the finding was raised; later points are its follow-up. */
  readonly raisedAt: number;
  /** The level before (baseline median, drift start, or the anomaly's expected value). */
  readonly baseline: number;
  /** The level claimed (new median, drift end, or the anomalous value). */
  readonly flagged: number;
  /** Confidence from the statistics alone. */
  readonly statisticalConfidence: number;
  /** Confidence reported, after the metric's learned reliability. */
  readonly confidence: number;
  readonly description: string;
  readonly outcome: FindingOutcome;
  /** When the outcome was decided. */
  readonly resolvedAt?: number;
  /** Median of the follow-up runs that decided it. */
  readonly followUpMedian?: number;
}

/** Options of {@link FeedbackLoop}. */
export interface FeedbackLoopOptions {
  /** Budgets and per-metric settings. @default the tracker's `policy` if it has one, else none */
  policy?: LearningPolicy;
  /** Which direction of each metric is good. @default the tracker's `polarity` if it has one, else the defaults */
  polarity?: PolarityRegistry;
  /** `evaluateIteration` returns insights at or above this (after recalibration). @default 0.5 */
  minConfidence?: number;
  /** Follow-up runs of a metric before a finding is confirmed or refuted. @default 3 */
  confirmAfter?: number;
  /** κ of the recalibration prior, in findings' worth (see `learnReliability`). @default 4 */
  priorStrength?: number;
  /** Store findings in the tracker under `autodev.finding`, so the learning survives restarts. @default true */
  persist?: boolean;
  /** Clock for iteration timestamps. @default Date.now */
  now?: () => number;
}

const LEARNABLE: Readonly<Partial<Record<InsightKind, FindingFamily>>> = {
  regression: 'shift',
  improvement: 'shift',
  change: 'shift',
  trend: 'trend',
  anomaly: 'anomaly',
};

/**
 * The family a raised insight is learned under, or undefined when it is not a new claim. A confirmed anomaly
 * (the run before the newest, back at the baseline in the newest run) settles the finding raised when that run
 * was the newest: its outcome is already known, so it is neither a new finding nor recalibrated by what the loop
 * learned about unsettled anomalies (whose refutations are all "the level stayed", impossible for it). An
 * established shift (a step whose new level has held for more than 10 runs) is likewise already decided: it was
 * a finding, and was followed up, when it was recent.
 */
const familyOf = (i: LearningInsight): FindingFamily | undefined => (isPastFinding(i) ? undefined : LEARNABLE[i.kind]);

const round = (x: number): string => String(Number(x.toFixed(Math.abs(x) >= 100 ? 1 : 2)));

function applyDirections(base: PolarityRegistry, policy: LearningPolicy): PolarityRegistry {
  const directions: Record<string, Polarity> = {};
  for (const [metric, p] of Object.entries(policy.metrics)) if (p.direction) directions[metric] = p.direction;
  return Object.keys(directions).length === 0 ? base : base.with(directions);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/**
 * Where the follow-up median is compared, as a fraction of the way from the baseline to the claimed level:
 * halfway between what the claim predicts for the next runs and what its negation predicts.
 * - shift: the claim predicts the new level (`flagged`), its negation the baseline: 1/2.
 * - trend: `baseline` and `flagged` are the fitted line's start and end. Without a drift the runs scatter
 *   around the window's centre level, (baseline + flagged) / 2, and the line through noise runs from below it
 *   to above it; a drift that goes on (or stops) leaves the next runs at `flagged` or beyond. Halfway between
 *   those two predictions is 3/4 of the way. At 1/2 (the centre itself) a drift fitted to noise was confirmed
 *   as often as not: 54% of false trends on the synthetic suite, against 9% at 3/4 (real ones: 96% → 94%).
 * - anomaly: the claim "one run was unusual" predicts the next runs back at the baseline; the alternative the
 *   follow-up can see, a level shift starting, predicts them at the flagged level: 1/2.
 */
const DECISION_POINT: Readonly<Record<FindingFamily, number>> = { shift: 0.5, trend: 0.75, anomaly: 0.5 };

/**
 * Decides a finding from its follow-up runs: their median against a point between the baseline and the
 * claimed level (halfway for a shift or an anomaly, 3/4 of the way for a trend; see `DECISION_POINT` in the
 * source for why). A shift or trend is confirmed when the follow-up is past that point (the change held); an
 * anomaly is confirmed when the follow-up is back on the baseline side and refuted when the level stayed.
 *
 * What an anomaly's confirmation proves is only that the run was not the start of a level shift. Noise also
 * comes back, so "confirmed" is not "the run was a real anomaly": on the synthetic suite 80% of false
 * anomaly flags are confirmed (see {@link OUTCOME_TESTS}), and the loop's recalibration weighs a
 * confirmation accordingly.
 */
export function decideFinding(f: Pick<Finding, 'family' | 'direction' | 'baseline' | 'flagged'>, followUp: readonly number[]): 'confirmed' | 'refuted' {
  // A misspelt family or direction ('shifts', 'up'), no follow-up or a NaN in it used to decide silently.
  if (typeof f !== 'object' || f === null || !(FINDING_FAMILIES as readonly unknown[]).includes(f.family))
    throw new LearningError('INVALID_ARGUMENT', `decideFinding: family must be one of ${FINDING_FAMILIES.join(', ')}, got ${JSON.stringify(f?.family)}`);
  if (f.direction !== 'increase' && f.direction !== 'decrease')
    throw new LearningError('INVALID_ARGUMENT', `decideFinding: direction must be "increase" or "decrease", got ${JSON.stringify(f.direction)}`);
  if (!Number.isFinite(f.baseline) || !Number.isFinite(f.flagged))
    throw new LearningError('INVALID_ARGUMENT', `decideFinding: baseline and flagged must be finite numbers, got ${String(f.baseline)} and ${String(f.flagged)}`);
  if (!Array.isArray(followUp) || followUp.length === 0 || !followUp.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw new LearningError('INVALID_ARGUMENT', 'decideFinding: followUp must be a non-empty array of finite numbers (the runs after the finding)');
  const point = f.baseline + DECISION_POINT[f.family] * (f.flagged - f.baseline);
  const m = median(followUp);
  const stayed = f.direction === 'increase' ? m > point : m < point;
  return (f.family === 'anomaly' ? !stayed : stayed) ? 'confirmed' : 'refuted';
}

/** A finding as `#persist` stores it; anything else in the ledger (edited by hand, another version) is skipped. */
const isStoredFinding = (v: unknown): v is Finding => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const f = v as Partial<Record<keyof Finding, unknown>>;
  return (
    typeof f.id === 'string' &&
    typeof f.metric === 'string' &&
    (FINDING_FAMILIES as readonly unknown[]).includes(f.family) &&
    (f.direction === 'increase' || f.direction === 'decrease') &&
    Number.isFinite(f.baseline) &&
    Number.isFinite(f.flagged) &&
    Number.isFinite(f.raisedAt) &&
    typeof f.statisticalConfidence === 'number' &&
    f.statisticalConfidence >= 0 &&
    f.statisticalConfidence <= 1
  );
};

/**
 * How well {@link decideFinding} after the default 3 follow-up runs tells real findings from false ones, per
 * family: P(confirmed | real) and P(confirmed | false), measured on 600 labelled series of the synthetic CI
 * suite (training seed 20201, 8 metrics per loop; `bench/insights-loop-calibration.ts 600 8 20201`).
 * `learnReliability` uses them so that an outcome counts for what it proves: an anomaly's "the runs came
 * back" is nearly as likely for noise as for a real spike, so confirmations barely move its confidence,
 * while a refutation (the level stayed) is strong evidence against it.
 */
export const OUTCOME_TESTS: Readonly<Record<FindingFamily, OutcomeTest>> = Object.freeze({
  shift: Object.freeze({ sensitivity: 0.956, falseConfirmation: 0.373 }),
  trend: Object.freeze({ sensitivity: 0.943, falseConfirmation: 0.189 }),
  anomaly: Object.freeze({ sensitivity: 0.998, falseConfirmation: 0.834 }),
});

/**
 * Closes the loop of the guide's `FeedbackLoop`: records each development iteration, returns what
 * it raises against the history, follows each statistical finding up, and learns from the outcome.
 *
 * - `evaluateIteration(metrics, metadata?)` records the iteration's metrics as one batch with one
 *   timestamp and returns the insights the built-in rules raise for those metrics (regression,
 *   improvement, trend, anomaly, budget breach, forecast, lint errors), sorted like `generateInsights`.
 * - Every regression, improvement, trend and anomaly it raises becomes a finding. After
 *   `confirmAfter` further runs of the metric the finding is confirmed or refuted
 *   ({@link decideFinding}); `history()` lists them, and the insight carries the finding's id as
 *   `evidence.findingId`. An anomaly finding is decided earlier when the
 *   next iteration's insights report its run as a confirmed one-off spike (`evidence.confirmed`): that
 *   insight settles the finding and is not a second finding.
 * - Per metric and detector family, the outcomes are compared with how often findings of those stated
 *   confidences pass the follow-up test where the detector is calibrated ({@link OUTCOME_TESTS}), the
 *   metric's shift is pooled with the other metrics' (`learnReliability`, `pooledShift`), and a new
 *   confidence becomes the probability that the finding is real given that record (`adjustConfidence`): a
 *   metric whose findings keep being refuted gets lower confidences, one whose findings hold up higher
 *   ones — but never above what a confirmation proves, so anomalies that noise also "confirms" by coming
 *   back stay where the detector put them.
 * - Findings are stored in the tracker (metric `autodev.finding`) unless `persist: false`, so a
 *   loop on a persistent tracker keeps learning across CI runs.
 *
 * @throws {LearningError} INVALID_ARGUMENT for bad options (see each method for its own).
 * @example
 * const tracker = new MetricsTracker();
 * const loop = new FeedbackLoop(tracker);
 * const insights = await loop.evaluateIteration({ test_duration: 12.5, coverage_percent: 95.0, lint_errors: 0 });
 * for (const insight of insights) if (insight.confidence >= 0.8) console.log(insight.suggestedAction);
 * @see docs/insights.md, "The feedback loop learns"
 */
export class FeedbackLoop {
  readonly #tracker: FeedbackTracker;
  readonly #options: Required<Omit<FeedbackLoopOptions, 'policy' | 'polarity'>> & Pick<FeedbackLoopOptions, 'policy' | 'polarity'>;
  readonly #findings: Finding[] = [];
  /** Learned maps by family and metric; cleared whenever an outcome is added. */
  readonly #maps = new Map<string, { reliability: MetricReliability; pooled: number }>();
  #loaded: Promise<void> | undefined;
  #lastTimestamp = -Infinity;
  #seq = 0;
  /** The iteration in progress (settled): `evaluateIteration` calls run one after another. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(tracker: FeedbackTracker, optionsInput: FeedbackLoopOptions = {}) {
    if (typeof tracker !== 'object' || tracker === null || typeof tracker.getMetrics !== 'function' || typeof tracker.recordMetric !== 'function')
      throw new LearningError('INVALID_ARGUMENT', 'FeedbackLoop needs a MetricsTracker (an object with recordMetric and getMetrics)');
    // null and misspelt keys (the guide's `confirm_after`) used to be a TypeError or silently the default.
    const options = checkOptions<FeedbackLoopOptions>('FeedbackLoop', optionsInput, ['minConfidence', 'confirmAfter', 'priorStrength', 'persist', 'now', 'policy', 'polarity']);
    const o = {
      minConfidence: options.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
      confirmAfter: options.confirmAfter ?? 3,
      priorStrength: options.priorStrength ?? 4,
      persist: options.persist ?? true,
      now: options.now ?? Date.now,
      policy: options.policy === undefined ? undefined : toPolicy(options.policy),
      polarity: options.polarity,
    };
    if (typeof o.now !== 'function') throw new LearningError('INVALID_ARGUMENT', 'now must be a function returning epoch milliseconds');
    if (typeof o.persist !== 'boolean') throw new LearningError('INVALID_ARGUMENT', `persist must be true or false, got ${String(o.persist)}`);
    if (!(o.minConfidence >= 0 && o.minConfidence <= 1)) throw new LearningError('INVALID_ARGUMENT', `minConfidence must be in [0, 1], got ${String(o.minConfidence)}`);
    if (!(Number.isInteger(o.confirmAfter) && o.confirmAfter >= 1)) throw new LearningError('INVALID_ARGUMENT', `confirmAfter must be a whole number >= 1, got ${String(o.confirmAfter)}`);
    if (!(o.priorStrength > 0 && Number.isFinite(o.priorStrength))) throw new LearningError('INVALID_ARGUMENT', `priorStrength must be a finite number > 0, got ${String(o.priorStrength)}`);
    this.#tracker = tracker;
    this.#options = o;
  }

  /** The tracker the loop records to and reads from (an `AutoOptimizer` on the loop keeps its audit trail there too). */
  get tracker(): FeedbackTracker {
    return this.#tracker;
  }

  get #policy(): LearningPolicy {
    return this.#options.policy ?? (this.#tracker as { policy?: LearningPolicy }).policy ?? EMPTY_POLICY;
  }

  get #polarity(): PolarityRegistry | undefined {
    return this.#options.polarity ?? (this.#tracker as { polarity?: PolarityRegistry }).polarity;
  }

  /** Loads findings stored by earlier loops on the same tracker (once). */
  #load(): Promise<void> {
    if (!this.#options.persist) return Promise.resolve();
    this.#loaded ??= (async () => {
      const events = await this.#tracker.getMetrics(FINDING_METRIC);
      const byId = new Map<string, Finding>();
      for (const e of events) {
        const m = e.metadata;
        const id = typeof m.id === 'string' ? m.id : undefined;
        if (!id) continue;
        const stored: unknown = m.finding;
        if (m.event === 'raised' && isStoredFinding(stored)) {
          byId.set(id, { ...stored, outcome: 'pending' });
        } else if (m.event === 'resolved') {
          const f = byId.get(id);
          if (f && (m.outcome === 'confirmed' || m.outcome === 'refuted'))
            byId.set(id, { ...f, outcome: m.outcome, resolvedAt: e.timestamp, ...(typeof m.followUpMedian === 'number' ? { followUpMedian: m.followUpMedian } : {}) });
        }
      }
      this.#findings.unshift(...byId.values());
      this.#maps.clear();
      this.#seq = Math.max(this.#seq, this.#findings.length);
    })();
    return this.#loaded;
  }

  async #persist(f: Finding, event: 'raised' | 'resolved', timestamp: number): Promise<void> {
    if (!this.#options.persist) return;
    const metadata: Metadata =
      event === 'raised'
        ? { event, id: f.id, metric: f.metric, finding: JSON.parse(JSON.stringify(f)) as Metadata }
        : { event, id: f.id, metric: f.metric, outcome: f.outcome, ...(f.followUpMedian === undefined ? {} : { followUpMedian: f.followUpMedian }) };
    await this.#tracker.recordMetric(FINDING_METRIC, f.confidence, metadata, { timestamp });
  }

  /** A timestamp for this iteration, strictly after the previous one so follow-ups are unambiguous. */
  #stamp(): number {
    let t = readClock(this.#options.now);
    if (!(t > this.#lastTimestamp)) t = this.#lastTimestamp + 1;
    this.#lastTimestamp = t;
    return t;
  }

  /**
   * Records one iteration and returns the insights it raises against the history (see the class doc).
   * @param metrics Metric name → value of this iteration, e.g. `{ test_duration: 12.5, coverage_percent: 95 }`.
   * @param metadata Stored with every metric of the iteration (`{ branch: 'main', commit: 'abc123' }`).
   * @throws {LearningError} INVALID_RECORD when a name, value or the metadata is invalid (nothing is recorded);
   * INVALID_ARGUMENT when `metrics` is not an object or names a reserved `autodev.*` metric.
   */
  async evaluateIteration(metrics: Readonly<Record<string, number>>, metadata?: Metadata): Promise<LearningInsight[]> {
    if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics))
      throw new LearningError('INVALID_ARGUMENT', 'evaluateIteration(metrics): metrics must be an object such as { test_duration: 12.5 }');
    const names = Object.keys(metrics);
    // Validate everything before writing anything: one bad value must not leave half an iteration.
    for (const name of names) {
      validateMetricName(name);
      if (name.startsWith(RESERVED_METRIC_PREFIX))
        throw new LearningError('INVALID_ARGUMENT', `metric "${name}": names starting with "${RESERVED_METRIC_PREFIX}" are reserved for autodev; rename it`);
      const v = metrics[name];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new LearningError('INVALID_RECORD', `metric "${name}": value must be a finite number, got ${typeof v === 'number' ? String(v) : typeof v}`);
    }
    const meta = validateMetadata(metadata);
    // One iteration at a time, in call order. Concurrent calls used to interleave: each resolved the same pending
    // finding (one `resolved` event per call in the ledger) and saw the others' runs as its own history.
    const run = this.#queue.then(() => this.#evaluate(names, metrics, meta));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #evaluate(names: readonly string[], metrics: Readonly<Record<string, number>>, meta: Metadata): Promise<LearningInsight[]> {
    await this.#load();
    const timestamp = this.#stamp();
    if (names.length > 0) {
      if (typeof this.#tracker.recordMetrics === 'function') {
        await this.#tracker.recordMetrics(names.map((name) => ({ name, value: metrics[name]!, metadata: meta, timestamp })));
      } else {
        for (const name of names) await this.#tracker.recordMetric(name, metrics[name]!, meta, { timestamp });
      }
    }
    await this.#resolvePending(names, timestamp);

    const raw = await runInsightEngine(this.#tracker, {
      names,
      minConfidence: 0,
      policy: this.#policy,
      ...(this.#polarity ? { polarity: this.#polarity } : {}),
      now: () => timestamp,
    });
    for (const insight of raw) if (insight.kind === 'anomaly' && insight.evidence.confirmed === true) await this.#settleSpike(insight, timestamp);
    const out: LearningInsight[] = [];
    for (const insight of raw) {
      const family = familyOf(insight);
      if (!family || insight.metric === undefined) {
        out.push(insight);
        continue;
      }
      const reported = this.#recalibrate(insight, family);
      const findingId = await this.#remember(reported, family, insight.confidence, timestamp);
      // The finding's id names the insight in `history()` and in the AutoOptimizer's audit trail.
      out.push(findingId === undefined ? reported : reported.withConfidence(reported.confidence, { findingId }));
    }
    return out.filter((i) => i.confidence >= this.#options.minConfidence).sort(compareInsights);
  }

  /** The insight with its confidence moved by what the loop learned for its metric and family (itself if nothing). */
  #recalibrate(insight: LearningInsight, family: FindingFamily): LearningInsight {
    const { reliability, pooled } = this.#learned(insight.metric!, family);
    if (reliability.outcomeShift === 0) return insight;
    const adjusted = adjustConfidence(insight.confidence, reliability);
    return insight.withConfidence(adjusted, {
      statisticalConfidence: insight.confidence,
      resolvedFindings: reliability.resolved,
      refutedFindings: reliability.refuted,
      pooledFindings: pooled,
      outcomeShift: reliability.outcomeShift,
      logOddsShift: logit(adjusted) - logit(insight.confidence),
    });
  }

  /** Records the insight as a finding unless one is open for it; returns the id of the finding it belongs to. */
  async #remember(insight: LearningInsight, family: FindingFamily, statisticalConfidence: number, timestamp: number): Promise<string | undefined> {
    const metric = insight.metric!;
    const e = insight.evidence;
    const direction = e.direction === 'decrease' ? 'decrease' : 'increase';
    // One open finding per metric, family and direction: the same step re-detected next run is not news.
    const open = this.#findings.find((f) => f.outcome === 'pending' && f.metric === metric && f.family === family && f.direction === direction);
    if (open) return open.id;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const baseline = family === 'shift' ? num(e.baselineMedian) : family === 'trend' ? num(e.from) : num(e.expected);
    const flagged = family === 'shift' ? num(e.currentMedian) : family === 'trend' ? num(e.to) : num(e.value);
    if (baseline === undefined || flagged === undefined) return undefined;
    const kind = insight.kind as Finding['kind'];
    const f: Finding = {
      id: `${timestamp.toString(36)}-${(this.#seq++).toString(36)}`,
      metric,
      kind,
      family,
      direction,
      raisedAt: timestamp,
      baseline,
      flagged,
      statisticalConfidence,
      confidence: insight.confidence,
      description: insight.description,
      outcome: 'pending',
    };
    this.#findings.push(f);
    await this.#persist(f, 'raised', timestamp);
    return f.id;
  }

  async #resolvePending(names: readonly string[], timestamp: number): Promise<void> {
    const touched = new Set(names);
    for (let i = 0; i < this.#findings.length; i++) {
      const f = this.#findings[i]!;
      if (f.outcome !== 'pending' || !touched.has(f.metric)) continue;
      const later = (await this.#tracker.getMetrics(f.metric)).filter((r: MetricRecord) => r.timestamp > f.raisedAt);
      if (later.length < this.#options.confirmAfter) continue;
      await this.#resolve(i, later.slice(0, this.#options.confirmAfter).map((r) => r.value), timestamp);
    }
  }

  /**
   * The engine reported a confirmed anomaly: the run it names was a one-off spike, because the run after it was
   * back at the baseline. That run's pending anomaly finding (raised when it was the newest run, so `raisedAt` is
   * its timestamp) is decided now on the follow-up seen so far instead of after `confirmAfter` runs. The same
   * {@link decideFinding} decides it: the detector's "back at the baseline" (|z| below the threshold and below
   * half the spike's) implies the follow-up is on the baseline side of the midpoint, so the two agree.
   */
  async #settleSpike(insight: LearningInsight, timestamp: number): Promise<void> {
    const at = insight.evidence.timestamp;
    const i = this.#findings.findIndex((f) => f.outcome === 'pending' && f.family === 'anomaly' && f.metric === insight.metric && f.raisedAt === at);
    if (i < 0) return;
    const f = this.#findings[i]!;
    const later = (await this.#tracker.getMetrics(f.metric)).filter((r: MetricRecord) => r.timestamp > f.raisedAt);
    if (later.length > 0) await this.#resolve(i, later.map((r) => r.value), timestamp);
  }

  async #resolve(i: number, followUp: readonly number[], timestamp: number): Promise<void> {
    const f = this.#findings[i]!;
    const resolved: Finding = { ...f, outcome: decideFinding(f, followUp), resolvedAt: timestamp, followUpMedian: median(followUp) };
    this.#findings[i] = resolved;
    this.#maps.clear();
    await this.#persist(resolved, 'resolved', timestamp);
  }

  /**
   * Findings raised so far, oldest first, with their outcome (pending, confirmed, refuted).
   * Includes findings stored by earlier loops on the same tracker when `persist` is on.
   */
  async history(filterInput: { metric?: string; outcome?: FindingOutcome } = {}): Promise<Finding[]> {
    const filter = checkOptions('history', filterInput, ['metric', 'outcome']);
    // A misspelt outcome ('confirm') used to match nothing and read as "no findings".
    if (filter.outcome !== undefined && !(FINDING_OUTCOMES as readonly unknown[]).includes(filter.outcome))
      throw new LearningError('INVALID_ARGUMENT', `history: outcome must be one of ${FINDING_OUTCOMES.join(', ')}, got ${JSON.stringify(filter.outcome)}`);
    await this.#load();
    return this.#findings.filter((f) => (filter.metric === undefined || f.metric === filter.metric) && (filter.outcome === undefined || f.outcome === filter.outcome));
  }

  /**
   * What the loop has learned about a detector family on a metric: resolved, confirmed and refuted
   * counts, the promised and posterior precision, and the log-odds shift applied to new findings.
   * Reflects findings loaded so far (call `history()` first after a restart).
   */
  reliability(metric: string, family: FindingFamily = 'shift'): MetricReliability {
    // An unknown family used to answer with the perfect outcome test's empty record, as if it were learned.
    if (!(FINDING_FAMILIES as readonly unknown[]).includes(family))
      throw new LearningError('INVALID_ARGUMENT', `reliability: family must be one of ${FINDING_FAMILIES.join(', ')}, got ${JSON.stringify(family)}`);
    return this.#learned(metric, family).reliability;
  }

  /**
   * Partial pooling: each other metric's shift for the family, learned on its own outcomes, is pooled into the
   * prior of this metric's ({@link pooledShift}); this metric's shift is then learned on its own outcomes from
   * that prior. A metric with few outcomes is recalibrated like the others; one with many, by its own record.
   * The metric's own outcomes are left out of its prior, so they do not count twice.
   */
  #learned(metric: string, family: FindingFamily): { reliability: MetricReliability; pooled: number } {
    const key = `${family}\u0000${metric}`;
    const cached = this.#maps.get(key);
    if (cached) return cached;
    const byMetric = new Map<string, [number, boolean][]>();
    for (const f of this.#findings) {
      if (f.family !== family || f.outcome === 'pending') continue;
      let list = byMetric.get(f.metric);
      if (!list) byMetric.set(f.metric, (list = []));
      list.push([f.statisticalConfidence, f.outcome === 'confirmed']);
    }
    const options = { priorStrength: this.#options.priorStrength, outcomeTest: OUTCOME_TESTS[family] };
    const others: MetricReliability[] = [];
    let pooled = 0;
    for (const [name, outcomes] of byMetric) {
      if (name === metric) continue;
      others.push(this.#alone(name, family, outcomes, options));
      pooled += outcomes.length;
    }
    const priorShift = pooledShift(others, this.#options.priorStrength);
    const learned = { reliability: learnReliability(byMetric.get(metric) ?? [], { ...options, priorShift }), pooled };
    this.#maps.set(key, learned);
    return learned;
  }

  /** A metric's shift learned on its own outcomes only (prior 0), as pooled into the others' priors; cached. */
  #alone(metric: string, family: FindingFamily, outcomes: readonly [number, boolean][], options: { priorStrength: number; outcomeTest: OutcomeTest }): MetricReliability {
    const key = `alone\u0000${family}\u0000${metric}`;
    const cached = this.#maps.get(key);
    if (cached) return cached.reliability;
    const reliability = learnReliability(outcomes, options);
    this.#maps.set(key, { reliability, pooled: 0 });
    return reliability;
  }

  /**
   * Suggestions for the next piece of work, most urgent first: what the history shows going the
   * wrong way (regressions, trends, budget breaches and forecasts, lint errors — each naming the
   * metric and its numbers), then advice for the task's type and complexity.
   * Priority: `high` for facts (budget breach, lint errors) and findings at confidence ≥ 0.8,
   * `medium` for findings at ≥ 0.5 and context advice for high complexity, `low` otherwise.
   * @throws {LearningError} INVALID_ARGUMENT when `complexity` is not 'low', 'medium' or 'high'.
   * @example
   * const suggestions = await loop.suggestOptimizations({ taskType: 'refactoring', complexity: 'high' });
   * for (const s of suggestions) console.log(`${s.category}: ${s.action} (${s.priority})`);
   */
  async suggestOptimizations(context: OptimizationContext = {}): Promise<OptimizationSuggestion[]> {
    if (typeof context !== 'object' || context === null) throw new LearningError('INVALID_ARGUMENT', 'suggestOptimizations(context): context must be an object such as { taskType: "refactoring", complexity: "high" }');
    await this.#load();
    const raw = await runInsightEngine(this.#tracker, { minConfidence: 0, policy: this.#policy, ...(this.#polarity ? { polarity: this.#polarity } : {}) });
    const insights = raw.map((i) => {
      const family = familyOf(i);
      return !family || i.metric === undefined ? i : this.#recalibrate(i, family);
    });
    const latest: Record<string, number> = {};
    for (const name of await listMetricNames(this.#tracker)) {
      const last = (await this.#tracker.getMetrics(name)).at(-1);
      if (last) latest[name] = last.value;
    }
    // An established shift and a confirmed finding of the loop can be the same step: the loop's, which says it
    // was followed up and is still there, is the one suggested.
    const news = insights.filter((i) => i.evidence.source !== 'established');
    const unrecovered = this.#unrecovered(news, latest);
    const known = new Set(unrecovered.map((u) => u.metric));
    return suggestFromInsights(insights.filter((i) => !(i.evidence.source === 'established' && known.has(i.metric))), context, { latest }, unrecovered);
  }

  /**
   * Confirmed adverse shifts and trends whose level has not come back: they no longer show as "the
   * newest runs differ from the baseline" (the new level is the baseline now), but they are still
   * the history's most solid evidence of something to fix.
   */
  #unrecovered(current: readonly LearningInsight[], latest: Readonly<Record<string, number>>): OptimizationSuggestion[] {
    const polarity = applyDirections(this.#polarity ?? createPolarityRegistry(), this.#policy);
    const newest = new Map<string, Finding>();
    for (const f of this.#findings) if (f.family !== 'anomaly' && f.outcome === 'confirmed') newest.set(f.metric, f);
    const out: OptimizationSuggestion[] = [];
    for (const f of newest.values()) {
      const value = latest[f.metric];
      if (value === undefined || judgeChange(polarity.polarityOf(f.metric), f.direction) !== 'worse') continue;
      if (current.some((i) => i.metric === f.metric && i.confidence >= 0.5)) continue;
      const mid = (f.baseline + f.flagged) / 2;
      if (!(f.direction === 'increase' ? value > mid : value < mid)) continue;
      const change = f.baseline === 0 ? '' : ` (${f.flagged >= f.baseline ? '+' : ''}${(((f.flagged - f.baseline) / Math.abs(f.baseline)) * 100).toFixed(0)}%)`;
      out.push({
        category: categoryOf(f.metric),
        action: whatToDo(f.metric, f.kind, true),
        priority: f.confidence >= 0.8 ? 'high' : 'medium',
        reason:
          `${f.metric} ${f.direction === 'increase' ? 'rose' : 'fell'} from ${round(f.baseline)} to ${round(f.flagged)}${change}, ` +
          `confirmed by ${this.#options.confirmAfter} follow-up runs (median ${round(f.followUpMedian ?? f.flagged)}), and is still at ${round(value)}`,
        metric: f.metric,
        confidence: f.confidence,
      });
    }
    return out;
  }
}
