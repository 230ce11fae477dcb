/**
 * Is the forecast insight's confidence a probability? The `forecast` rule of generateInsights states
 * P(the value `forecastHorizon` runs ahead is past the budget) when the forecast crosses a budget within that
 * horizon. Here every synthetic CI series gets budgets a little above (and below) its recent level at many
 * points of its history; whenever the rule's detector fires, its confidence is compared with what the series
 * actually did `horizon` runs later. Prints the reliability table and the ECE of the calibrated confidence, and
 * the ECE of the raw predictive probability it is calibrated from.
 * Run: `pnpm --filter @autodev/learning exec tsx bench/forecast-calibration.ts [count]`
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedCalibrationError, reliabilityTable } from '../src/detection/calibration.js';
import { median } from '../src/detection/internal/numeric.js';
import { generateCiSuite } from '../src/detection/synthetic.js';
import { EVAL_SEED, TRAIN_SEED } from './calibration-data.js';
import { forecast } from '../src/detection/forecast.js';
import { crossingOf } from '../src/insights/internal/detectors.js';

const HORIZON = 10; // generateInsights' default forecastHorizon
const MARGINS = [0.01, 0.02, 0.05, 0.1, 0.2];

export interface ForecastFinding {
  /** The rule's raw predictive probability (the calibration map's input). */
  score: number;
  confidence: number;
  real: boolean;
}

/**
 * Forecast-rule findings on a synthetic CI suite: at every `stride`-th run from the 30th, one forecast of the
 * history, then the rule's finding (crossingOf, as generateInsights computes it) for budgets MARGINS above and
 * below the median of the last 10 runs; `real` when the value HORIZON runs ahead is past the budget.
 */
export function collectForecastFindings(count: number, seed = 4242, stride = 5): ForecastFinding[] {
  const out: ForecastFinding[] = [];
  for (const s of generateCiSuite({ seed, count })) {
    const v = s.values;
    for (let t = 30; t + HORIZON <= v.length; t += stride) {
      const history = v.slice(0, t);
      const f = forecast(history, { horizon: HORIZON });
      const level = median(Float64Array.from(history.slice(-10)));
      for (const margin of MARGINS) {
        for (const bound of ['max', 'min'] as const) {
          const limit = bound === 'max' ? level * (1 + margin) : level * (1 - margin);
          const c = crossingOf(f, limit, bound, HORIZON);
          if (!c) continue;
          const actual = v[t - 1 + HORIZON]!;
          out.push({ score: c.probability, confidence: c.confidence, real: bound === 'max' ? actual > limit : actual < limit });
        }
      }
    }
  }
  return out;
}

export function formatForecastCalibration(findings: readonly ForecastFinding[]): string {
  const c = findings.map((f) => f.confidence);
  const r = findings.map((f) => f.real);
  const hi = findings.filter((f) => f.confidence >= 0.8);
  const rawHi = findings.filter((f) => f.score >= 0.8);
  const lines = [
    `forecast findings: ${findings.length}, past the budget ${HORIZON} runs later: ${r.filter(Boolean).length}`,
    `calibrated confidence: ECE ${expectedCalibrationError(c, r).toFixed(3)}; at ≥ 0.8: ${hi.filter((f) => f.real).length} / ${hi.length} real`,
    `raw predictive probability: ECE ${expectedCalibrationError(findings.map((f) => f.score), r).toFixed(3)}; at ≥ 0.8: ${rawHi.filter((f) => f.real).length} / ${rawHi.length} real`,
    '',
    '| confidence bin | count | mean confidence | observed past the budget |',
    '| --- | --- | --- | --- |',
  ];
  for (const b of reliabilityTable(c, r)) if (b.count > 0) lines.push(`| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.count} | ${b.meanConfidence.toFixed(3)} | ${b.observedRate.toFixed(3)} |`);
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 200);
  const t0 = Date.now();
  console.log(`Forecast insight confidence on the synthetic CI suite (evaluation seed ${EVAL_SEED}, ${count} series; budgets 1–20% from the recent median; the map is fitted on seed ${TRAIN_SEED})\n`);
  console.log(formatForecastCalibration(collectForecastFindings(count, EVAL_SEED, 2)));
  console.log(`\n(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
