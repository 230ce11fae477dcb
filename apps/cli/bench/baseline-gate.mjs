// False failures and detection of `autodev check --baseline`'s two-or-more-runs test, with the confidence it uses
// (the regression detector's calibrated map of the Mann–Whitney p-value) next to the 1 − p it used before.
// 5 candidate runs against 30 baseline runs, Gaussian noise (σ = 5 on a level of 100), seeded.
//   node apps/cli/bench/baseline-gate.mjs [comparisons=4000]
import { calibrate, compareSamples, mulberry32, pValueScore, REGRESSION_CALIBRATION } from '@autodev/learning';

const N = Number(process.argv[2] ?? 4000);
const rnd = mulberry32(7);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
const sample = (n, level) => Array.from({ length: n }, () => level + 5 * gauss());
const fails = (c, confidenceOf) => c.verdict === 'b-higher' && confidenceOf(c.pValue) >= 0.8;
const old = (p) => 1 - p;
const calibrated = (p) => calibrate(REGRESSION_CALIBRATION, pValueScore(p));
const count = { same: { old: 0, calibrated: 0 }, '2σ': { old: 0, calibrated: 0 }, '3σ': { old: 0, calibrated: 0 } };
for (let i = 0; i < N; i++) {
  const base = sample(30, 100);
  for (const [name, shift] of [['same', 0], ['2σ', 10], ['3σ', 15]]) {
    const c = compareSamples(base, sample(5, 100 + shift));
    if (fails(c, old)) count[name].old++;
    if (fails(c, calibrated)) count[name].calibrated++;
  }
}
const pct = (k) => `${((100 * k) / N).toFixed(2)}%`;
console.log(`${N} comparisons of 5 candidate runs against 30 baseline runs (σ = 5, level 100)\n`);
console.log('| candidate runs | fail with 1 − p ≥ 0.8 (before) | fail with the calibrated confidence ≥ 0.8 (now) |');
console.log('| --- | --- | --- |');
for (const [name, k] of Object.entries(count)) console.log(`| ${name === 'same' ? 'same distribution (a false failure)' : `${name} slower`} | ${pct(k.old)} | ${pct(k.calibrated)} |`);
