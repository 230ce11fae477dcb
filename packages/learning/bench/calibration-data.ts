/**
 * Labelled (score, confidence, real) findings of each detector on a synthetic CI suite, shared by
 * bench/calibration-fit.ts (training seed) and bench/calibration-report.ts (evaluation seed).
 *
 * What "real" means, per detector:
 * - regression: the noise-free means of the tested window and of the baseline differ by ≥ 1% of the level,
 *   in the direction of the estimated shift;
 * - change point: a step within ±5 runs of the point, or a drift under way at it;
 * - anomaly: the point is an injected spike;
 * - drift: the noise-free level moved ≥ 1% across the window in the direction of the slope.
 */
import { detectAnomalies } from '../src/detection/anomalies.js';
import { pValueScore } from '../src/detection/calibration.js';
import { detectChangePoints } from '../src/detection/change-points.js';
import { detectDrift } from '../src/detection/drift.js';
import { detectRegression } from '../src/detection/regression.js';
import { generateCiSuite, type LabelledSeries } from '../src/detection/synthetic.js';

export interface Finding {
  score: number;
  confidence: number;
  real: boolean;
  flagged: boolean;
}
export type DetectorName = 'regression' | 'changePoint' | 'anomaly' | 'drift';
export type Findings = Record<DetectorName, Finding[]>;

const meanOf = (xs: readonly number[], a: number, b: number): number => {
  let s = 0;
  for (let i = a; i < b; i++) s += xs[i]!;
  return s / (b - a);
};

export function collect(series: readonly LabelledSeries[], stride = 2): Findings {
  const out: Findings = { regression: [], changePoint: [], anomaly: [], drift: [] };
  for (const s of series) {
    const v = s.values;
    const n = v.length;
    for (let t = 12; t <= n; t += stride) {
      const r = detectRegression(v.slice(0, t));
      if (r.status === 'insufficient-data') continue;
      const k = r.current.n;
      const d = meanOf(s.truth, t - k, t) - meanOf(s.truth, r.baseline.start, t - k);
      out.regression.push({
        score: pValueScore(r.pValue),
        confidence: r.confidence,
        real: Math.sign(d) === Math.sign(r.shift) && Math.abs(d) >= 0.01 * s.base,
        flagged: r.status !== 'no-change',
      });
    }
    for (const c of detectChangePoints(v, { includeWeak: true })) {
      const real = (s.kind === 'step' && Math.abs(c.index - s.changeAt!) <= 5) || (s.kind === 'drift' && c.index >= s.changeAt! - 5);
      out.changePoint.push({ score: pValueScore(c.pValue), confidence: c.confidence, real, flagged: !c.weak });
    }
    for (let t = 10; t <= n; t++) {
      for (const a of detectAnomalies(v.slice(0, t))) {
        out.anomaly.push({ score: Math.min(1000, Math.abs(a.score)), confidence: a.confidence, real: s.outliers.includes(a.index), flagged: true });
      }
    }
    for (let t = 15; t <= n; t += 5 * stride) {
      const dr = detectDrift(v.slice(0, t));
      if (dr.status === 'insufficient-data') continue;
      const start = t - dr.window.n;
      const d = s.truth[t - 1]! - s.truth[start]!;
      out.drift.push({
        score: pValueScore(dr.pValue),
        confidence: dr.confidence,
        real: Math.sign(d) === Math.sign(dr.slope) && Math.abs(d) >= 0.01 * s.base,
        flagged: dr.status !== 'no-drift',
      });
    }
  }
  return out;
}

/** Seeds: the maps are fitted on TRAIN_SEED and reported on EVAL_SEED. */
export const TRAIN_SEED = 20_201;
export const EVAL_SEED = 777;

export const suiteFor = (seed: number, count: number): LabelledSeries[] => generateCiSuite({ seed, count });
