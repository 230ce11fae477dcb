// The guide's Troubleshooting case "No insights generated": insights need a minimum of data.
// With fewer than 5 points (minSamples) generateInsights() returns nothing by default; minConfidence: 0 says why.
// The statistical rules need more than that: a trend needs 8 points, a regression 10 baseline runs before the
// newest ones (docs/insights.md), so "at least 5-10 data points" means 10 here.
import assert from 'node:assert/strict';
import { MetricsTracker } from '@autodev/learning';

const tracker = new MetricsTracker();
await tracker.recordMetric('test_duration', 10);
await tracker.recordMetric('test_duration', 11);

assert.deepEqual(await tracker.generateInsights(), []);
const why = await tracker.generateInsights({ minConfidence: 0 });
console.log(why.map((i) => `[${i.category}] ${i.description} → ${i.suggestedAction}`).join('\n'));
assert.equal(why.length, 1);
assert.equal(why[0]?.kind, 'insufficient-data');
assert.equal(why[0]?.confidence, 0);
assert.match(why[0].description, /needs? at least 5 \(3 more\)/);

// Solution: need more data
// Insights require minimum data points
for (let i = 0; i < 10; i++) {
  // Generate at least 5-10 data points
  await tracker.recordMetric('test_duration', 10 + i);
}

const insights = await tracker.generateInsights();
for (const insight of insights) console.log(`[${insight.category}] ${insight.description} (confidence ${insight.confidence.toFixed(2)})`);
assert.ok(insights.length > 0, 'with enough data the rising test_duration is reported');
assert.equal(insights[0]?.metric, 'test_duration');
assert.ok(['trend', 'regression'].includes(insights[0].kind));
