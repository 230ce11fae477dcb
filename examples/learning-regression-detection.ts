// Regression detection for a CI metric: the newest runs against the baseline since the last change point,
// with a Mann–Whitney test, a Hodges–Lehmann shift and its interval, and a calibrated confidence.
// Also: change points over the whole history, and a slow drift that no single run would reveal.
import assert from 'node:assert/strict';
import { detectChangePoints, detectDrift, detectRegression, generateCiSeries } from '@autodev/learning';

// test_duration (seconds) over 80 CI runs: noise CV 3%, a settled 10% speed-up at run 30, then a 12%
// slowdown in the newest 5 runs. Seeded, so the numbers below are reproducible.
const history = generateCiSeries({ seed: 7, kind: 'step', length: 75, base: 50, noiseCv: 0.03, changeAt: 30, relativeStep: -0.1, outlierRate: 0 }).values;
const slower = generateCiSeries({ seed: 8, kind: 'stable', length: 20, base: 45 * 1.12, noiseCv: 0.03, outlierRate: 0 }).values.slice(0, 5);
const durations = [...history, null, ...slower]; // a missing run (null) is skipped, indices stay as recorded

const r = detectRegression(durations);
console.log(`status: ${r.status}; baseline from run ${r.baseline.start} (${r.baseline.n} runs, median ${r.baseline.median.toFixed(2)} s)`);
console.log(`newest ${r.current.n} runs: median ${r.current.median.toFixed(2)} s, shift ${(r.relativeShift * 100).toFixed(1)}% ` +
  `[${(r.relativeInterval[0] * 100).toFixed(1)}%, ${(r.relativeInterval[1] * 100).toFixed(1)}%], p = ${r.pValue.toExponential(2)}, confidence ${r.confidence.toFixed(3)}`);
assert.equal(r.status, 'increase');
assert.ok(Math.abs(r.baseline.start - 30) <= 2, 'the baseline starts at the settled speed-up, not at run 0');
assert.ok(r.relativeShift > 0.08 && r.relativeShift < 0.16);
assert.ok(r.relativeInterval[0] > 0, 'the interval excludes no change');
assert.ok(r.confidence >= 0.8);

const cps = detectChangePoints(durations);
console.log('change points:', cps.map((c) => `run ${c.index}: ${c.before.toFixed(1)} → ${c.after.toFixed(1)} s (p = ${c.pValue.toExponential(1)})`).join('; '));
assert.ok(cps.some((c) => Math.abs(c.index - 30) <= 2 && c.after < c.before));

// A stable metric with one huge outlier as the newest run: no regression, and no change point at the end
// (a lone outlier is an anomaly; change points need at least 5 runs on each side).
const stable = generateCiSeries({ seed: 9, kind: 'stable', length: 40, base: 120, noiseCv: 0.02, outlierRate: 0 }).values;
assert.equal(detectRegression([...stable, 900]).status, 'no-change');
assert.ok(detectChangePoints([...stable, 900]).every((c) => c.index <= stable.length - 5));

// Not enough history: it says so instead of guessing.
const few = detectRegression([50, 51, 49]);
console.log(`3 runs: ${few.status} (${few.reason ?? ''})`);
assert.equal(few.status, 'insufficient-data');

// A slow 0.4%-per-run slowdown: each run looks normal, the trend test sees it.
const drifting = generateCiSeries({ seed: 10, kind: 'drift', length: 60, base: 100, noiseCv: 0.01, changeAt: 1, relativeDrift: 0.25, outlierRate: 0 }).values;
const d = detectDrift(drifting);
console.log(`drift: ${d.status}, ${(d.relativeChange * 100).toFixed(1)}% over the last ${d.window.n} runs (p = ${d.pValue.toExponential(1)})`);
assert.equal(d.status, 'increasing');
