// A/B comparison of two groups of runs (e.g. main vs a feature branch): Hodges–Lehmann shift with a
// distribution-free interval, Mann–Whitney p-value, Cliff's delta and a plain-language verdict.
import assert from 'node:assert/strict';
import { compareSamples, MetricsTracker } from '@autodev/learning';

// The textbook example (Hollander & Wolfe 1973, p. 69): small samples, exact test.
const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const y = [1.15, 0.88, 0.9, 0.74, 1.21];
const textbook = compareSamples(y, x);
console.log(textbook.summary);
assert.equal(textbook.verdict, 'no-difference');
assert.equal(textbook.shift.toFixed(3), '0.305'); // R: wilcox.test(x, y, conf.int = TRUE) → 0.305
assert.ok(Math.abs(textbook.pValue - 0.2544) < 1e-4);

// Build times on two branches through the tracker: the feature branch is about 8% slower.
const t0 = Date.UTC(2026, 0, 1);
const tracker = new MetricsTracker({ now: () => t0 });
let seed = 3;
const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 6;
for (let i = 0; i < 20; i++) {
  await tracker.recordMetric('build_time', 120 + noise(), { branch: 'main' }, { timestamp: t0 + i * 60_000 });
  await tracker.recordMetric('build_time', 130 + noise(), { branch: 'feature' }, { timestamp: t0 + i * 60_000 + 1 });
}
const c = await tracker.compare('build_time', { branch: 'main' }, { branch: 'feature' });
console.log(c.summary);
assert.equal(c.verdict, 'b-higher');
assert.ok(c.relativeShift > 0.05 && c.relativeShift < 0.12);
assert.ok(c.shiftInterval[0] > 0);
assert.ok(c.effectSize > 0.8, 'nearly every feature build is slower than nearly every main build');
