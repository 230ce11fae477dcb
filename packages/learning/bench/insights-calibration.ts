/**
 * End-to-end calibration of insight confidence: the built-in rules, exactly as the insight engine runs
 * them (shift vs drift arbitration, anomaly suppression), on prefixes of the labelled synthetic CI suite
 * of src/detection/synthetic.ts, on the evaluation seed (the detectors' maps are fitted on another seed).
 *
 * Labels, per insight kind (same definitions as bench/calibration-data.ts for the detectors):
 * - regression / improvement: the noise-free means of the newest tested runs and of the baseline differ by
 *   ≥ 1% of the level, in the reported direction;
 * - trend: the noise-free level moved ≥ 1% across the tested window, in the reported direction;
 * - anomaly: the flagged run (the newest, or for a confirmed anomaly the one before it) is an injected spike.
 *   Confirmed anomalies are tabled on their own as `anomaly (confirmed)` and counted in `all`.
 * - established shifts (a step 11–30 runs old, now the regression baseline) are labelled as regressions and
 *   tabled on their own as `shift (established)`.
 *
 * Run: pnpm --filter @autodev/learning exec tsx bench/insights-calibration.ts [series=300]
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedCalibrationError, reliabilityTable } from '../src/detection/calibration.js';
import { generateCiSuite, type LabelledSeries } from '../src/detection/synthetic.js';
import { builtinInsightsFor } from '../src/insights/insight-engine.js';

export interface LabelledInsight {
  kind: string;
  confidence: number;
  /** The insight's `evidence.pValue` (null for rules without one). */
  pValue: number | null;
  real: boolean;
}

const meanOf = (xs: readonly number[], a: number, b: number): number => {
  let s = 0;
  for (let i = a; i < b; i++) s += xs[i]!;
  return s / Math.max(1, b - a);
};

/** Every statistical insight raised on prefixes of each series (every `stride` runs), labelled. */
export function collectInsights(series: readonly LabelledSeries[], stride = 3): LabelledInsight[] {
  const out: LabelledInsight[] = [];
  for (const s of series) {
    for (let t = 12; t <= s.values.length; t += stride) {
      for (const i of builtinInsightsFor('test_duration', s.values.slice(0, t))) {
        const e = i.evidence;
        const up = e.direction === 'increase';
        let real: boolean;
        if (i.kind === 'regression' || i.kind === 'improvement') {
          const k = Number(e.currentN);
          const d = meanOf(s.truth, t - k, t) - meanOf(s.truth, t - k - Number(e.baselineN), t - k);
          real = (up ? d > 0 : d < 0) && Math.abs(d) >= 0.01 * s.base;
        } else if (i.kind === 'trend') {
          const d = s.truth[t - 1]! - s.truth[t - Number(e.n)]!;
          real = (up ? d > 0 : d < 0) && Math.abs(d) >= 0.01 * s.base;
        } else if (i.kind === 'anomaly') {
          real = s.outliers.includes(Number(e.index));
        } else continue;
        const kind =
          i.kind === 'anomaly' && e.confirmed === true
            ? 'anomaly (confirmed)'
            : i.kind === 'improvement' || i.kind === 'regression'
              ? e.source === 'established' ? 'shift (established)' : 'regression'
              : i.kind;
        out.push({ kind, confidence: i.confidence, pValue: typeof e.pValue === 'number' ? e.pValue : null, real });
      }
    }
  }
  return out;
}

export function formatInsightCalibration(found: readonly LabelledInsight[]): string {
  const lines = ['| insight kind | insights | ECE | at confidence ≥ 0.8: real / total |', '| --- | --- | --- | --- |'];
  const groups = new Map<string, LabelledInsight[]>([['all', [...found]]]);
  for (const f of found) groups.set(f.kind, [...(groups.get(f.kind) ?? []), f]);
  for (const [kind, f] of groups) {
    const ece = expectedCalibrationError(f.map((x) => x.confidence), f.map((x) => x.real));
    const hi = f.filter((x) => x.confidence >= 0.8);
    lines.push(`| ${kind} | ${f.length} | ${ece.toFixed(3)} | ${hi.filter((x) => x.real).length} / ${hi.length} |`);
  }
  lines.push('', 'all insights: reliability', '', '| confidence bin | count | mean confidence | observed real |', '| --- | --- | --- | --- |');
  for (const b of reliabilityTable(found.map((x) => x.confidence), found.map((x) => x.real)))
    if (b.count > 0) lines.push(`| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.count} | ${b.meanConfidence.toFixed(3)} | ${b.observedRate.toFixed(3)} |`);
  return lines.join('\n');
}

/** Evaluation seed: the detectors' calibration maps are fitted on a different one (bench/calibration-data.ts). */
export const INSIGHT_EVAL_SEED = 4242;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 300);
  const t0 = Date.now();
  console.log(formatInsightCalibration(collectInsights(generateCiSuite({ seed: INSIGHT_EVAL_SEED, count }))));
  console.log(`(seed ${INSIGHT_EVAL_SEED}, ${count} series, ${Date.now() - t0} ms)`);
}
