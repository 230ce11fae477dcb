/**
 * Labelled (score, confidence, real) findings of each detector on a synthetic CI suite, shared by
 * bench/calibration-fit.ts (training seed) and bench/calibration-report.ts (evaluation seed).
 *
 * What "real" means, per detector:
 * - regression: the noise-free means of the tested window and of the baseline differ by ≥ 1% of the level,
 *   in the direction of the estimated shift;
 * - change point: a step within ±5 runs of the point, or a drift under way at it;
 * - anomaly / confirmedAnomaly: the point is an injected spike. `anomaly` is the newest point as detectAnomalies
 *   tests it by default (nothing after it yet); `confirmedAnomaly` is the point before the newest, reported as
 *   confirmed because the newest run is back at the baseline (detectAnomalies with `recent: 2`);
 * - drift: the noise-free level moved ≥ 1% across the window in the direction of the slope.
 */
import { detectAnomalies } from '../src/detection/anomalies.js';
import { pValueScore } from '../src/detection/calibration.js';
import { detectChangePoints } from '../src/detection/change-points.js';
import { detectDrift } from '../src/detection/drift.js';
import { detectRegression } from '../src/detection/regression.js';
import { generateCiSuite, type LabelledSeries, type SuiteOptions } from '../src/detection/synthetic.js';

export interface Finding {
  score: number;
  confidence: number;
  real: boolean;
  flagged: boolean;
}
export type DetectorName = 'regression' | 'changePoint' | 'anomaly' | 'confirmedAnomaly' | 'drift';
export type Findings = Record<DetectorName, Finding[]>;

const meanOf = (xs: readonly number[], a: number, b: number): number => {
  let s = 0;
  for (let i = a; i < b; i++) s += xs[i]!;
  return s / (b - a);
};

export function collect(series: readonly LabelledSeries[], stride = 2): Findings {
  const out: Findings = { regression: [], changePoint: [], anomaly: [], confirmedAnomaly: [], drift: [] };
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
      const h = v.slice(0, t);
      for (const a of detectAnomalies(h)) {
        out.anomaly.push({ score: Math.min(1000, Math.abs(a.score)), confidence: a.confidence, real: s.outliers.includes(a.index), flagged: true });
      }
      if (t === 10) continue;
      // The older of the two tested points has one successor; only confirmed ones are scored here.
      for (const a of detectAnomalies(h, { recent: 2 })) {
        if (a.index !== t - 2 || !a.confirmed) continue;
        out.confirmedAnomaly.push({ score: Math.min(1000, Math.abs(a.score)), confidence: a.confidence, real: s.outliers.includes(a.index), flagged: true });
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

/**
 * Anomaly findings of detectAnomalies(·, { recent }) after every run, grouped by how many runs follow the point
 * in the tested window and whether it was confirmed — to check that the maps, fitted on `recent` 1 and 2, also
 * hold when more runs are tested at once (the baseline then ends further back).
 */
export function collectAnomaliesByPosition(series: readonly LabelledSeries[], recent: number): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const s of series) {
    const v = s.values;
    for (let t = 8 + recent; t <= v.length; t++) {
      for (const a of detectAnomalies(v.slice(0, t), { recent })) {
        const key = `${a.confirmed ? 'confirmed' : 'unconfirmed'}, ${t - 1 - a.index} run(s) after it`;
        const list = out.get(key) ?? [];
        list.push({ score: Math.min(1000, Math.abs(a.score)), confidence: a.confidence, real: s.outliers.includes(a.index), flagged: true });
        out.set(key, list);
      }
    }
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** Seeds: the maps are fitted on TRAIN_SEED and reported on EVAL_SEED and (shifted population) SHIFTED_SEED. */
export const TRAIN_SEED = 20_201;
export const EVAL_SEED = 777;
export const SHIFTED_SEED = 31_337;

/**
 * A population unlike the one the maps are fitted on, to show how far calibration carries: mostly stable
 * series, quieter noise with more heavy tails, fewer but sometimes larger spikes, smaller steps and drifts.
 */
export const SHIFTED_SUITE: Omit<SuiteOptions, 'seed' | 'count'> = {
  mix: { stable: 0.7, step: 0.2, drift: 0.1 },
  ranges: {
    noiseCv: [0.005, 0.1],
    noise: { gaussian: 0.3, bimodal: 0.3, heavy: 0.4 },
    spikyShare: 0.3,
    outlierRate: [0.005, 0.02],
    spikeSigmas: [4, 30],
    relativeStep: [0.01, 0.3],
    relativeDrift: [0.02, 0.3],
  },
};

export const suiteFor = (seed: number, count: number): LabelledSeries[] => generateCiSuite({ seed, count });
export const shiftedSuite = (count: number): LabelledSeries[] => generateCiSuite({ seed: SHIFTED_SEED, count, ...SHIFTED_SUITE });
