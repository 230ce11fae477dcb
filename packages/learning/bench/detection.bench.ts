/**
 * Speed of the detectors against their stated complexity, as ratios to sorting a copy of the input once
 * (Float64Array.prototype.sort), measured in the same run. Goal: detectChangePoints on 100,000 points
 * ≤ ~50× one sort. Run: `pnpm --filter @autodev/learning bench`.
 */
import { bench, describe } from 'vitest';
import { compareSamples } from '../src/detection/compare-samples.js';
import { detectChangePoints } from '../src/detection/change-points.js';
import { detectRegression } from '../src/detection/regression.js';
import { forecast } from '../src/detection/forecast.js';
import { generateCiSeries } from '../src/detection/synthetic.js';

const N = 100_000;
// A long CI-like series: steps every ~5,000 runs, noise CV 5%, 1% spikes.
const long: number[] = [];
for (let i = 0; long.length < N; i++) {
  long.push(...generateCiSeries({ seed: 1000 + i, kind: 'step', length: 5000, changeAt: 2500, noiseCv: 0.05, base: 100 + 10 * (i % 3), outlierRate: 0.01 }).values);
}
long.length = N;
const stable = generateCiSeries({ seed: 99, kind: 'stable', length: N, noiseCv: 0.05, base: 100, outlierRate: 0.01 }).values;
const arr = Float64Array.from(long);

const opts = { time: 300, iterations: 3, warmupIterations: 1 };

describe(`detectChangePoints, ${N.toLocaleString('en')} points (ratio to one sort)`, () => {
  bench('Float64Array sort (reference)', () => {
    Float64Array.from(arr).sort();
  }, opts);
  bench('detectChangePoints, 20 steps', () => {
    detectChangePoints(long);
  }, opts);
  bench('detectChangePoints, stable', () => {
    detectChangePoints(stable);
  }, opts);
});

describe('per-run CI checks (one metric, 200 runs of history)', () => {
  const s = generateCiSeries({ seed: 5, kind: 'step', length: 200, changeAt: 196, relativeStep: 0.1, noiseCv: 0.02 }).values;
  bench('detectRegression', () => {
    detectRegression(s);
  }, { time: 200 });
  bench('forecast (model chosen by AICc)', () => {
    forecast(s, { horizon: 20 });
  }, { time: 200 });
  bench('compareSamples 100 vs 100', () => {
    compareSamples(s.slice(0, 100), s.slice(100));
  }, { time: 200 });
});
