// Forecast with prediction intervals: "at this rate test_duration crosses 60 s in about N runs". The model
// (flat level, Holt's linear trend or a damped trend) is chosen from the metric's own history by AICc.
import assert from 'node:assert/strict';
import { forecast } from '@autodev/learning';

// test_duration creeping up about 0.25 s per run, with noise.
let seed = 5;
const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 1.2;
const durations = Array.from({ length: 40 }, (_, i) => 45 + 0.25 * i + noise());

const f = forecast(durations, { horizon: 10, level: 0.95 });
console.log(`model ${f.model}: level ${f.level.toFixed(2)} s, trend ${f.trend.toFixed(3)} s/run (α = ${f.alpha.toFixed(2)}, β = ${f.beta.toFixed(3)}, φ = ${f.phi})`);
for (const p of f.points.filter((q) => q.step % 5 === 0)) console.log(`  +${p.step} runs: ${p.mean.toFixed(1)} s [${p.lower.toFixed(1)}, ${p.upper.toFixed(1)}]`);
const crossing = f.stepsUntil(60);
assert.ok(crossing, 'an upward trend reaches the budget');
console.log(`at this rate test_duration crosses 60 s in about ${crossing.steps} runs (earliest ${String(crossing.earliest)}, latest ${String(crossing.latest)})`);
assert.notEqual(f.model, 'ses', 'a steady climb is a trend, not a flat level');
assert.ok(f.trend > 0.15 && f.trend < 0.35);
assert.ok(crossing.steps > 10 && crossing.steps < 35);
assert.ok(crossing.earliest !== undefined && crossing.earliest <= crossing.steps);
assert.ok(f.points[9]!.upper - f.points[9]!.lower > f.points[0]!.upper - f.points[0]!.lower, 'uncertainty grows with the horizon');
assert.equal(f.stepsUntil(30), undefined, 'a rising metric never falls to 30 s');
