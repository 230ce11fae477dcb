/**
 * Calibration of the confidences the feedback loop reports, run by run: the labelled synthetic CI suite
 * (src/detection/synthetic.ts) is fed to `FeedbackLoop.evaluateIteration` one run at a time, as a CI job would,
 * in "projects" of several metrics sharing one loop (so the loop's pooled, per-family calibration has other
 * metrics to learn from). Every shift, trend and anomaly insight is labelled with the same ground truth as
 * bench/insights-calibration.ts:
 * - shift (regression / improvement / change): the noise-free means of the newest tested runs and of the
 *   baseline differ by ≥ 1% of the level, in the reported direction;
 * - trend: the noise-free level moved ≥ 1% across the tested window, in the reported direction;
 * - anomaly: the flagged run is an injected spike (newest-run anomalies and settled spikes are tabled apart;
 *   the loop does not recalibrate settled spikes).
 *
 * For each family it reports the ECE, Brier score and log loss of the statistical confidence and of the
 * loop-adjusted one, the same for the insights the loop actually adjusted (it had resolved findings of that
 * metric and family), and a reliability table of the adjusted confidences. It also reports how well the loop's
 * own outcome test (`decideFinding` after `confirmAfter` runs) tells real findings from false ones:
 * P(confirmed | real) and P(confirmed | false) per family.
 *
 * `shifted` runs the population of bench/calibration-data.ts that the detectors' maps were not fitted on (mostly
 * stable series, quieter noise with more heavy tails, rarer spikes): there the statistical confidences are off,
 * and what the loop learns per metric is meant to help.
 *
 * Run: pnpm --filter @autodev/learning exec tsx bench/insights-loop-calibration.ts [series=200] [metricsPerProject=8] [seed=4242] [ci|shifted]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedCalibrationError, reliabilityTable } from '../src/detection/calibration.js';
import { generateCiSuite, type LabelledSeries } from '../src/detection/synthetic.js';
import { FeedbackLoop } from '../src/insights/feedback-loop.js';
import { MetricsTracker } from '../src/metrics-tracker.js';
import { SHIFTED_SUITE } from './calibration-data.js';
import { INSIGHT_EVAL_SEED } from './insights-calibration.js';

/** One insight the loop returned, labelled. */
export interface LoopInsight {
  /** `shift`, `trend`, `anomaly` (newest run) or `anomaly (settled)`. */
  readonly family: string;
  readonly metric: string;
  /** The detectors' calibrated confidence, before the loop's recalibration. */
  readonly statistical: number;
  /** What the loop reported. */
  readonly reported: number;
  /** Resolved findings of this metric and family the loop had when it reported it. */
  readonly resolvedBefore: number;
  readonly real: boolean;
}

/** One finding the loop resolved, with the label of the insight that raised it. */
export interface LoopFinding {
  readonly family: string;
  readonly outcome: 'confirmed' | 'refuted';
  readonly real: boolean;
  readonly statistical: number;
}

const meanOf = (xs: readonly number[], a: number, b: number): number => {
  let s = 0;
  for (let i = a; i < b; i++) s += xs[i]!;
  return s / Math.max(1, b - a);
};

/** Ground truth of a shift, trend or anomaly insight raised when the series had `t` runs (undefined: not statistical). */
function labelOf(kind: string, e: Readonly<Record<string, unknown>>, s: LabelledSeries, t: number): boolean | undefined {
  const up = e.direction === 'increase' || e.direction === 1;
  if (kind === 'regression' || kind === 'improvement' || kind === 'change') {
    const k = Number(e.currentN);
    const d = meanOf(s.truth, t - k, t) - meanOf(s.truth, t - k - Number(e.baselineN), t - k);
    return (up ? d > 0 : d < 0) && Math.abs(d) >= 0.01 * s.base;
  }
  if (kind === 'trend') {
    const d = s.truth[t - 1]! - s.truth[t - Number(e.n)]!;
    return (up ? d > 0 : d < 0) && Math.abs(d) >= 0.01 * s.base;
  }
  if (kind === 'anomaly') return s.outliers.includes(Number(e.index));
  return undefined;
}

const FAMILY: Readonly<Record<string, string>> = { regression: 'shift', improvement: 'shift', change: 'shift', trend: 'trend', anomaly: 'anomaly' };

/**
 * Feeds the suite to feedback loops, `perProject` series per loop (one metric each, named `duration_<j>` so
 * polarity calls increases regressions), run by run, and labels what the loops report and resolve.
 */
export async function runLoopSuite(series: readonly LabelledSeries[], perProject = 8): Promise<{ insights: LoopInsight[]; findings: LoopFinding[] }> {
  const insights: LoopInsight[] = [];
  const findings: LoopFinding[] = [];
  for (let p = 0; p < series.length; p += perProject) {
    const project = series.slice(p, p + perProject);
    const tracker = new MetricsTracker();
    let clock = 0;
    const loop = new FeedbackLoop(tracker, { minConfidence: 0, now: () => (clock += 1000) });
    const labels = new Map<string, { real: boolean; statistical: number }>();
    const longest = Math.max(...project.map((s) => s.values.length));
    for (let t = 0; t < longest; t++) {
      const metrics: Record<string, number> = {};
      project.forEach((s, j) => {
        if (t < s.values.length) metrics[`duration_${j}`] = s.values[t]!;
      });
      const out = await loop.evaluateIteration(metrics);
      for (const i of out) {
        const family = FAMILY[i.kind];
        // Established shifts (steps 11–30 runs old) are no loop findings: the loop leaves their confidence alone;
        // bench/insights-calibration.ts tables them.
        if (!family || i.metric === undefined || i.evidence.source === 'established') continue;
        const s = project[Number(i.metric.slice('duration_'.length))]!;
        const real = labelOf(i.kind, i.evidence, s, t + 1);
        if (real === undefined) continue;
        const e = i.evidence;
        const settled = i.kind === 'anomaly' && e.confirmed === true;
        const statistical = typeof e.statisticalConfidence === 'number' ? e.statisticalConfidence : i.confidence;
        insights.push({
          family: settled ? 'anomaly (settled)' : family,
          metric: `${p}/${i.metric}`,
          statistical,
          reported: i.confidence,
          resolvedBefore: typeof e.resolvedFindings === 'number' ? e.resolvedFindings : 0,
          real,
        });
        if (!settled) labels.set(`${i.metric}|${family}|${e.direction === 'decrease' ? 'decrease' : 'increase'}|${clock}`, { real, statistical });
      }
    }
    for (const f of await loop.history()) {
      if (f.outcome === 'pending') continue;
      const l = labels.get(`${f.metric}|${f.family}|${f.direction}|${f.raisedAt}`);
      if (l) findings.push({ family: f.family, outcome: f.outcome, real: l.real, statistical: l.statistical });
    }
  }
  return { insights, findings };
}

const brier = (c: readonly number[], y: readonly boolean[]): number => c.reduce((s, p, i) => s + (p - (y[i] ? 1 : 0)) ** 2, 0) / Math.max(1, c.length);
const logLoss = (c: readonly number[], y: readonly boolean[]): number => {
  const eps = 1e-6;
  return -c.reduce((s, p, i) => s + Math.log(y[i] ? Math.max(eps, p) : Math.max(eps, 1 - p)), 0) / Math.max(1, c.length);
};

function scores(rows: readonly LoopInsight[], pick: (r: LoopInsight) => number): string {
  const c = rows.map(pick);
  const y = rows.map((r) => r.real);
  const hi = rows.filter((r) => pick(r) >= 0.8);
  return `${expectedCalibrationError(c, y).toFixed(3)} | ${brier(c, y).toFixed(4)} | ${logLoss(c, y).toFixed(3)} | ${hi.filter((r) => r.real).length} / ${hi.length}`;
}

/** Markdown tables: calibration per family (statistical vs loop-adjusted), reliability of the adjusted ones, outcome test quality. */
export function formatLoopCalibration({ insights, findings }: { insights: readonly LoopInsight[]; findings: readonly LoopFinding[] }): string {
  const families = ['shift', 'trend', 'anomaly', 'anomaly (settled)'];
  const lines = [
    '| family | subset | insights | real | confidence | ECE | Brier | log loss | at ≥ 0.8: real / total |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const family of ['all', ...families]) {
    const all = insights.filter((r) => family === 'all' || r.family === family);
    for (const [subset, rows] of [
      ['all', all],
      ['adjusted', all.filter((r) => r.resolvedBefore > 0)],
    ] as const) {
      if (rows.length === 0) continue;
      const real = rows.filter((r) => r.real).length;
      lines.push(`| ${family} | ${subset} | ${rows.length} | ${real} | statistical | ${scores(rows, (r) => r.statistical)} |`);
      lines.push(`| ${family} | ${subset} | ${rows.length} | ${real} | loop | ${scores(rows, (r) => r.reported)} |`);
    }
  }
  for (const family of families.slice(0, 3)) {
    const rows = insights.filter((r) => r.family === family);
    if (rows.length === 0) continue;
    lines.push('', `${family}: reliability of the loop's confidence`, '', '| bin | count | mean confidence | observed real |', '| --- | --- | --- | --- |');
    for (const b of reliabilityTable(rows.map((r) => r.reported), rows.map((r) => r.real)))
      if (b.count > 0) lines.push(`| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.count} | ${b.meanConfidence.toFixed(3)} | ${b.observedRate.toFixed(3)} |`);
  }
  lines.push('', "the loop's outcome test", '', '| family | resolved | real | P(confirmed ∣ real) | P(confirmed ∣ false) |', '| --- | --- | --- | --- | --- |');
  for (const family of ['shift', 'trend', 'anomaly']) {
    const rows = findings.filter((f) => f.family === family);
    const real = rows.filter((f) => f.real);
    const fake = rows.filter((f) => !f.real);
    const rate = (xs: readonly LoopFinding[]) => (xs.length === 0 ? 'n/a' : `${(xs.filter((f) => f.outcome === 'confirmed').length / xs.length).toFixed(3)} (${xs.length})`);
    lines.push(`| ${family} | ${rows.length} | ${real.length} | ${rate(real)} | ${rate(fake)} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 200);
  const perProject = Number(process.argv[3] ?? 8);
  const seed = Number(process.argv[4] ?? INSIGHT_EVAL_SEED);
  const shifted = process.argv[5] === 'shifted';
  const t0 = Date.now();
  console.log(formatLoopCalibration(await runLoopSuite(generateCiSuite({ seed, count, ...(shifted ? SHIFTED_SUITE : {}) }), perProject)));
  console.log(`(${shifted ? 'shifted population, ' : ''}seed ${seed}, ${count} series, ${perProject} metrics per loop, ${Date.now() - t0} ms)`);
}
