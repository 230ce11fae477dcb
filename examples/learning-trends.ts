// The guide's MetricsTracker snippet: record metrics, read them back, analyze trends.
// `trends['trend_direction']` becomes `trends.trendDirection`: +1 increasing, -1 decreasing, 0 no significant trend.
import assert from 'node:assert/strict';
import { MetricsTracker } from '@autodev/learning';

let clock = Date.parse('2026-03-01T00:00:00Z');
const tracker = new MetricsTracker({ now: () => (clock += 3_600_000) }); // in memory

// Record metrics: ten CI runs where the test suite slows down a little each time (with noise).
const durations = [12.5, 12.9, 12.7, 13.4, 13.2, 13.9, 14.1, 13.8, 14.6, 14.9];
for (const seconds of durations) {
  await tracker.recordMetric('test_duration', seconds, { suite: 'integration', branch: 'main' });
}
// A steady metric next to it.
for (const seconds of [120.5, 121.0, 120.2, 120.9, 120.4, 120.8, 120.1, 120.7, 120.3, 120.6]) {
  await tracker.recordMetric('build_time', seconds, { branch: 'main' });
}

// Get metrics
const allMetrics = await tracker.getMetrics();
const testMetrics = await tracker.getMetrics('test_duration');
assert.equal(allMetrics.length, 20);
assert.equal(testMetrics.length, 10);

// Analyze trends
const trends = await tracker.analyzeTrends('test_duration', { windowSize: 10 });
console.log(`Mean: ${trends.mean.toFixed(2)}`);
console.log(`Trend: ${trends.trendDirection}`); // Positive = increasing
console.log(`Slope: +${trends.slope.toFixed(3)} s per run (Theil–Sen), Mann–Kendall p = ${trends.pValue.toFixed(4)}`);
assert.equal(trends.trendDirection, 1);
assert.ok(trends.pValue < 0.05);
assert.ok(Math.abs(trends.mean - 13.6) < 1e-9);
assert.ok(trends.slope > 0.2 && trends.slope < 0.3);

// The direction comes from a significance test, not from the sign of a noisy slope.
const steady = await tracker.analyzeTrends('build_time');
console.log(`build_time: trend ${steady.trendDirection} (p = ${steady.pValue.toFixed(2)}, slope ${steady.slope.toFixed(3)})`);
assert.equal(steady.trendDirection, 0);

// With too few points it says so instead of inventing a trend.
await tracker.recordMetric('coverage_percent', 91.0);
await tracker.recordMetric('coverage_percent', 92.5);
const early = await tracker.analyzeTrends('coverage_percent');
console.log(`coverage_percent: ${early.reason}`);
assert.equal(early.sufficient, false);
assert.equal(early.trendDirection, 0);
assert.equal(early.reason, 'need at least 5 points, have 2');

// windowSize picks the newest points; 0 (or Infinity) analyzes the whole history.
const lastFive = await tracker.analyzeTrends('test_duration', { windowSize: 5 });
assert.deepEqual(lastFive.values, durations.slice(-5));
assert.equal(lastFive.count, 10);
