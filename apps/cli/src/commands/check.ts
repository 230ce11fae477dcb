import type { Comparison, JsonValue, LearningInsight, LearningPolicy, MetricRecord, Polarity } from '@autodev/learning';
import { aheadOfClock, ciMetadata, parseChoices, parseInteger, parsePairs, whereTypeHint } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { filteredTracker } from '../internal/filtered-tracker.js';
import { loadPolicy, openTracker } from '../internal/tracker.js';
import { formatConfidence, formatNumber, formatPercent, formatPValue } from '../output/format.js';
import { mdCode, renderMarkdownTable, renderTable } from '../output/table.js';

/** Options of `autodev check`. */
export interface CheckOptions {
  policy?: string;
  failOn?: string;
  baseline?: string[];
  candidate?: string[];
  runs?: string;
  minSamples?: string;
  metric?: string[];
  format?: 'text' | 'json' | 'markdown';
  where?: string[];
  /** Fail (exit 2) when there is nothing to check: a missing or empty store. */
  requireData?: boolean;
}

/** What a check can fail on. */
export type FailKind = 'budget' | 'regression' | 'anomaly';
const FAIL_KINDS: readonly FailKind[] = ['budget', 'regression', 'anomaly'];

/** One line of the check report. */
export interface CheckResult {
  metric: string;
  check: FailKind | 'data' | 'ok';
  /**
   * `fail` counts against the exit code; `warn` is a finding not in --fail-on, a one-off spike of the run before
   * the newest that the newest run settled (`evidence.confirmed`), or an established shift (a step over 10 runs
   * old whose level is now the baseline, `evidence.source: 'established'`); `skip` lacks data.
   */
  status: 'pass' | 'fail' | 'warn' | 'skip';
  detail: string;
  confidence?: number;
  evidence?: Record<string, JsonValue | undefined>;
}

const KIND_OF: Readonly<Record<string, FailKind | undefined>> = { 'budget-breach': 'budget', regression: 'regression', anomaly: 'anomaly' };

/** Budget results for the newest value of each budgeted metric. */
function budgetResults(policy: LearningPolicy, latest: (metric: string) => number | undefined, failOn: ReadonlySet<FailKind>): CheckResult[] {
  const out: CheckResult[] = [];
  for (const [metric, p] of Object.entries(policy.metrics)) {
    const v = latest(metric);
    if (v === undefined) continue;
    const over = p.max !== undefined && v > p.max ? { bound: 'max', limit: p.max } : p.min !== undefined && v < p.min ? { bound: 'min', limit: p.min } : undefined;
    if (!over) continue;
    const rel = over.limit === 0 ? Infinity : (v - over.limit) / Math.abs(over.limit);
    out.push({
      metric,
      check: 'budget',
      status: failOn.has('budget') ? 'fail' : 'warn',
      detail: `latest ${formatNumber(v)} ${over.bound === 'max' ? '>' : '<'} ${over.bound} ${formatNumber(over.limit)} (${formatPercent(rel)})`,
      confidence: 1,
      evidence: { value: v, limit: over.limit, bound: over.bound },
    });
  }
  return out;
}

/** The history mode: the insight engine over every metric's full history. */
async function historyCheck(ctx: CommandContext, policy: LearningPolicy, failOn: ReadonlySet<FailKind>, minConfidence: number, opts: CheckOptions, names: string[] | undefined, minSamples: number | undefined) {
  const { runInsightEngine, isPastFinding } = await import('@autodev/learning');
  const where = parsePairs('--where', opts.where);
  const t = await openTracker(ctx);
  try {
    const view = filteredTracker(t.tracker, where);
    const known = await view.names();
    const all = names ?? [...known].filter((n) => !n.startsWith('autodev.'));
    // Named metrics without a record (matching --where): a typo in --metric or --where must not pass --require-data.
    const missing = all.filter((n) => !known.includes(n));
    // minConfidence 0 to also see "not enough data"; findings are judged against the threshold below.
    const insights: LearningInsight[] = await runInsightEngine(view, { minConfidence: 0, policy, names: all, ...(minSamples !== undefined ? { minSamples } : {}) });
    const results: CheckResult[] = [];
    // Findings a gate kind would report but below the threshold: the "ok" line says so instead of "no regression".
    const weak = new Map<string, string[]>();
    // Metrics past minSamples with too few points for some checks (the engine's "not yet testable" note).
    const notYet = new Map<string, LearningInsight>();
    for (const i of insights) {
      const metric = i.metric ?? '(all)';
      const kind = KIND_OF[i.kind];
      if (i.kind === 'insufficient-data') {
        // Enough points for some checks but not all: the metric is checked, and its "ok" line says what waits.
        if (typeof i.evidence.regressionMinPoints === 'number') notYet.set(metric, i);
        else results.push({ metric, check: 'data', status: 'skip', detail: i.description, confidence: i.confidence });
        continue;
      }
      if (kind && i.confidence < minConfidence && i.confidence >= 0.5) weak.set(metric, [...(weak.get(metric) ?? []), `${kind} ${i.confidence.toFixed(2)}`]);
      if (!kind || i.confidence < minConfidence) continue;
      // A settled one-off spike (the newest run is back at the usual level) or an established shift (a step whose
      // level has been the baseline for over 10 runs) is about the past: reported so it is not missed, but no
      // verdict on the run being checked, which is fine (the runs while it was news already failed on it).
      const over = isPastFinding(i);
      results.push({ metric, check: kind, status: failOn.has(kind) && !over ? 'fail' : 'warn', detail: i.description, confidence: i.confidence, evidence: { ...i.evidence } });
    }
    // A run dated ahead of this machine's clock (written by another client, or before --at refused such times) stays
    // "the newest run" until that date: it is the one judged, and the real newest runs are not. Say so.
    const now = Date.now();
    for (const m of all) {
      const [newest] = await t.tracker.getMetrics(m, { where, order: 'desc', limit: 1 });
      const ahead = newest === undefined ? undefined : aheadOfClock(newest.timestamp, now);
      if (ahead === undefined) continue;
      results.push({
        metric: m,
        check: 'data',
        status: 'warn',
        detail: `the newest run is dated ${new Date(newest!.timestamp).toISOString()}, ${ahead} ahead of this machine's clock: until then it is the run judged here, not the real newest one; fix the clock of the machine that recorded it (to drop the record: autodev export --format jsonl, delete its line, autodev import records into a new store)`,
      });
    }
    for (const m of all) {
      if (results.some((r) => r.metric === m)) continue;
      const below = weak.get(m);
      const detail = below
        ? `no budget breach, regression or anomaly at confidence ≥ ${minConfidence} (below it: ${below.join(', ')}; see autodev insights --min-confidence 0.5)`
        : 'no budget breach, regression or anomaly';
      results.push({ metric: m, check: 'ok', status: 'pass', detail: notYet.has(m) ? `${detail}${notYetChecked(notYet.get(m)!)}` : detail });
    }
    return { results, missing, checked: all.length };
  } finally {
    await t.close();
  }
}

/** "; with 10 points regressions are checked from 15 (5 more)": the gate kinds a short history cannot show yet. */
function notYetChecked(note: LearningInsight): string {
  const n = Number(note.evidence.n);
  const waiting: string[] = [];
  for (const [what, at] of [
    ['anomalies', note.evidence.anomalyMinPoints],
    ['regressions', note.evidence.regressionMinPoints],
  ] as const) {
    if (typeof at === 'number' && n < at) waiting.push(`${what} are checked from ${at} (${at - n} more)`);
  }
  return waiting.length === 0 ? '' : ` found; with ${n} points, ${waiting.join(' and ')}`;
}

const sameJson = (a: JsonValue | undefined, b: JsonValue | undefined) => JSON.stringify(a) === JSON.stringify(b);
const matches = (r: MetricRecord, where: Record<string, JsonValue>) => Object.entries(where).every(([k, v]) => sameJson(r.metadata[k], v));

/**
 * The baseline mode (`--baseline branch=main`): per metric, the newest `runs` candidate values against
 * the baseline's history. Several candidate runs: a Mann–Whitney / Hodges–Lehmann comparison
 * (`compareSamples`); a single run: the anomaly test of the run appended to the baseline series.
 */
async function baselineCheck(
  ctx: CommandContext,
  policy: LearningPolicy,
  failOn: ReadonlySet<FailKind>,
  minConfidence: number,
  opts: CheckOptions,
  names: string[] | undefined,
  minSamplesOption: number | undefined,
) {
  const { calibrate, compareSamples, detectAnomalies, createPolarityRegistry, judgeChange, pValueScore, REGRESSION_CALIBRATION } = await import('@autodev/learning');
  const baselineWhere = parsePairs('--baseline', opts.baseline);
  // --where narrows both sides (e.g. one suite of test_duration_suite), as it does without --baseline.
  const where = parsePairs('--where', opts.where);
  let candidateWhere: Record<string, JsonValue> | undefined = opts.candidate ? parsePairs('--candidate', opts.candidate) : undefined;
  if (!candidateWhere) {
    // In CI the current branch is known: compare it with the baseline unless it is the baseline.
    const ci = ciMetadata(ctx.env);
    if (ci.branch !== undefined && 'branch' in baselineWhere && !sameJson(ci.branch, baselineWhere.branch)) candidateWhere = { branch: ci.branch };
  }
  const runs = parseInteger('--runs', opts.runs ?? '5', 1);
  const directions: Record<string, Polarity> = {};
  for (const [m, p] of Object.entries(policy.metrics)) if (p.direction) directions[m] = p.direction;
  const polarity = createPolarityRegistry(directions);
  const t = await openTracker(ctx);
  const results: CheckResult[] = [];
  const missing: string[] = [];
  let all: string[] = [];
  try {
    all = names ?? (await t.store.names()).filter((n) => !n.startsWith('autodev.'));
    for (const metric of all) {
      const records = (await t.tracker.getMetrics(metric)).filter((r) => matches(r, where));
      if (records.length === 0) missing.push(metric);
      const base = records.filter((r) => matches(r, baselineWhere));
      const cand = records.filter((r) => (candidateWhere ? matches(r, candidateWhere) : !matches(r, baselineWhere))).slice(-runs);
      const minSamples = minSamplesOption ?? policy.metrics[metric]?.minSamples ?? 5;
      if (cand.length === 0) {
        results.push({ metric, check: 'data', status: 'skip', detail: `no candidate run${candidateWhere ? ` matching ${show(candidateWhere)}` : ' outside the baseline'}` });
        continue;
      }
      const latest = cand[cand.length - 1]!.value;
      results.push(...budgetResults({ metrics: { [metric]: policy.metrics[metric] ?? {} }, settings: {} }, () => latest, failOn));
      if (base.length < minSamples) {
        results.push({ metric, check: 'data', status: 'skip', detail: `not enough baseline data: ${base.length} run${base.length === 1 ? '' : 's'} matching ${show(baselineWhere)}, need ${minSamples}` });
        continue;
      }
      const baseValues = base.map((r) => r.value);
      const tolerance = policy.metrics[metric]?.tolerance ?? 0;
      const pol = polarity.polarityOf(metric);
      let finding: CheckResult | undefined;
      if (cand.length >= 2) {
        const cmp: Comparison = compareSamples(baseValues, cand.map((r) => r.value));
        const dir = cmp.verdict === 'b-higher' ? 'increase' : cmp.verdict === 'b-lower' ? 'decrease' : undefined;
        // The regression detector's calibrated map of the p-value, as in the history mode: 0.8 at p ≈ 0.005.
        // 1 − p made p = 0.05 a "0.95" failure: a PR whose runs matched main failed on about 3% of metrics
        // (bench/baseline-gate.mjs).
        const confidence = calibrate(REGRESSION_CALIBRATION, pValueScore(cmp.pValue));
        const judged = dir && judgeChange(pol, dir);
        if (judged && judged !== 'better' && Math.abs(cmp.relativeShift) >= tolerance && confidence >= minConfidence) {
          finding = {
            metric,
            check: 'regression',
            status: regressionStatus(judged, failOn),
            detail: `${cand.length} newest runs ${formatPercent(cmp.relativeShift)} vs baseline median ${formatNumber(cmp.medianA)} (interval ${formatPercent(cmp.relativeInterval[0])} … ${formatPercent(cmp.relativeInterval[1])}, p ${formatPValue(cmp.pValue)}, n ${cmp.nA}/${cmp.nB})${neutralNote(judged, metric)}`,
            confidence,
            evidence: { shift: cmp.shift, relativeShift: cmp.relativeShift, pValue: cmp.pValue, effectSize: cmp.effectSize, nBaseline: cmp.nA, nCandidate: cmp.nB },
          };
        }
      } else {
        const series = [...baseValues, latest];
        const a = detectAnomalies(series).find((x) => x.index === series.length - 1);
        const judged = a && judgeChange(pol, a.direction > 0 ? 'increase' : 'decrease');
        if (a && judged && judged !== 'better' && a.confidence >= minConfidence) {
          const rel = a.expected === 0 ? Infinity : (a.value - a.expected) / Math.abs(a.expected);
          if (Math.abs(rel) >= tolerance)
            finding = {
              metric,
              check: 'regression',
              status: regressionStatus(judged, failOn),
              detail: `newest run ${formatNumber(a.value)} is ${formatPercent(rel)} vs baseline median ${formatNumber(a.expected)} (${a.model === 'count' ? 'count-model z' : 'robust z'} ${formatNumber(a.score, 3)}, p ${formatPValue(a.pValue)})${neutralNote(judged, metric)}`,
              confidence: a.confidence,
              evidence: { value: a.value, expected: a.expected, score: a.score, pValue: a.pValue },
            };
        }
      }
      if (finding) results.push(finding);
      else if (!results.some((r) => r.metric === metric)) results.push({ metric, check: 'ok', status: 'pass', detail: `${cand.length} newest run${cand.length === 1 ? '' : 's'} in line with ${base.length} baseline runs` });
    }
  } finally {
    await t.close();
  }
  return { results, candidateWhere, missing, checked: all.length };
}

/**
 * A change of a metric without a direction (`tests`, `skipped`, any name the polarity rules do not know) is
 * neither better nor worse: it warns and never fails, as such a step does in the history mode (an insight of kind
 * `change`). Only a change that is worse for the metric's direction counts as a regression.
 */
const regressionStatus = (judged: 'worse' | 'neutral', failOn: ReadonlySet<FailKind>): CheckResult['status'] => (judged === 'worse' && failOn.has('regression') ? 'fail' : 'warn');
const neutralNote = (judged: 'worse' | 'neutral', metric: string) =>
  judged === 'neutral' ? `; ${metric} has no direction, so this only warns (set metrics.${metric}.direction in the policy to gate on it)` : '';

const show = (where: Record<string, JsonValue>) => Object.entries(where).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');

/**
 * `autodev check`: the CI gate. Without `--baseline`, runs the insight engine over each metric's history
 * (budget breaches, regressions since the last change point, anomalies of the newest run, and one-off spikes
 * of the run before it, which only warn because the newest run is back at the usual level); with
 * `--baseline key=value`, judges the newest runs against the baseline's history. Returns 1 when a
 * finding of a kind in `--fail-on` (default budget,regression) reaches the confidence threshold (0.8),
 * 0 otherwise; too little data is reported and passes.
 * @throws {CliError} BAD_ARGUMENT / BAD_INPUT for bad options or policy.
 */
export async function checkCommand(ctx: CommandContext, opts: CheckOptions): Promise<number> {
  const failOn = new Set(parseChoices('--fail-on', opts.failOn ?? 'budget,regression', FAIL_KINDS));
  // `--fail-on ""` (e.g. an unset variable in `--fail-on "$KINDS"`) would make a gate that can never fail.
  if (failOn.size === 0)
    throw new CliError('BAD_ARGUMENT', `--fail-on needs at least one of ${FAIL_KINDS.join(', ')}, got ${JSON.stringify(opts.failOn)}`, {
      hint: 'to see findings without failing the build, run autodev insights (or autodev check --fail-on budget)',
    });
  const minSamples = opts.minSamples === undefined ? undefined : parseInteger('--min-samples', opts.minSamples, 3);
  const format = ctx.options.json ? 'json' : (opts.format ?? 'text');
  const minConfidence = 0.8;
  const { policy, file } = await loadPolicy(ctx, opts.policy);
  const names = opts.metric && opts.metric.length > 0 ? [...opts.metric] : undefined;
  let results: CheckResult[];
  let missing: string[];
  let checked: number;
  let mode: string;
  if (opts.baseline && opts.baseline.length > 0) {
    const r = await baselineCheck(ctx, policy, failOn, minConfidence, opts, names, minSamples);
    ({ results, missing, checked } = r);
    mode = `newest runs${r.candidateWhere ? ` of ${show(r.candidateWhere)}` : ''} vs baseline ${show(parsePairs('--baseline', opts.baseline))}`;
  } else {
    ({ results, missing, checked } = await historyCheck(ctx, policy, failOn, minConfidence, opts, names, minSamples));
    mode = 'newest runs vs each metric’s history';
  }
  // In CI a typo in AUTODEV_STORE, --metric or --where, or a cache that was not restored, leaves nothing to check; by
  // default that passes (a first run has no history), with --require-data it is an error. A metric named with
  // --metric that has no record is reported as a `skip` line, so counting result lines is not enough: every metric
  // named with --metric needs data, and without --metric at least one metric does.
  const hasWhere = (opts.where ?? []).length > 0;
  const nothing = names ? missing.length > 0 : missing.length === checked;
  if (opts.requireData && nothing)
    throw new CliError('STORE_ERROR', `nothing to check: ${names ? `no records of ${missing.join(', ')}${hasWhere ? ' matching --where' : ''}` : hasWhere ? 'no records match --where' : 'the store holds no metrics'} (--require-data)`, {
      hint:
        whereTypeHint('--where', parsePairs('--where', opts.where)) ??
        `check ${names ? `the spelling of --metric${hasWhere ? ' and --where' : ''} (autodev trends lists the metrics), ` : hasWhere ? 'the --where filter, ' : ''}--store / AUTODEV_STORE, and that the history was restored (cache, artifact) before this step`,
    });
  const order = { fail: 0, warn: 1, skip: 2, pass: 3 } as const;
  results.sort((a, b) => order[a.status] - order[b.status] || a.metric.localeCompare(b.metric));
  const failed = results.filter((r) => r.status === 'fail');
  const summary = {
    passed: failed.length === 0,
    failed: failed.length,
    warnings: results.filter((r) => r.status === 'warn').length,
    skipped: results.filter((r) => r.status === 'skip').length,
    failOn: [...failOn],
    policy: file ?? null,
    mode,
  };
  if (format === 'json') ctx.json({ ...summary, results });
  else if (format === 'markdown') {
    const icon = { fail: '❌', warn: '⚠️', skip: '⏭️', pass: '✅' } as const;
    const title = failed.length === 0 ? '### ✅ autodev check passed' : `### ❌ autodev check failed: ${failed.length} problem${failed.length === 1 ? '' : 's'}`;
    const table = renderMarkdownTable(['', 'Metric', 'Check', 'Detail'], results.map((r) => [icon[r.status], mdCode(r.metric), r.check, r.detail]));
    ctx.out(`${title}\n\n${table}\n\n<sub>${mode}; fails on ${[...failOn].join(', ')}${file ? `; policy ${file}` : ''}</sub>\n`);
  } else {
    const c = ctx.colors;
    if (results.length === 0) {
      ctx.out(`check passed: no metrics to check (${mode}; fails on ${[...failOn].join(', ')})`);
      return ExitCode.OK;
    }
    const label = { fail: c.red('FAIL'), warn: c.yellow('warn'), skip: c.dim('skip'), pass: c.green('ok') } as const;
    ctx.out(renderTable(['status', 'metric', 'check', 'detail'], results.map((r) => [label[r.status], r.metric, r.check, `${r.detail}${r.confidence !== undefined && r.check !== 'data' && r.check !== 'budget' ? c.dim(` · confidence ${formatConfidence(r.confidence)}`) : ''}`])));
    const head = failed.length === 0 ? c.green('check passed') : c.red(`check failed: ${failed.length} problem${failed.length === 1 ? '' : 's'}`);
    ctx.out(`\n${head} (${mode}; fails on ${[...failOn].join(', ')}${file ? `; policy ${file}` : '; no policy file'})`);
  }
  return failed.length > 0 ? ExitCode.CHECK_FAILED : ExitCode.OK;
}
