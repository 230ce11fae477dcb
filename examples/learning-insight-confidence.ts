// The guide's Best Practice 5, "Insight Confidence": act on insights at 80%+ confidence. Confidence is a
// probability computed from the statistics (p-values, sample sizes), and the evidence shows the numbers.
import assert from 'node:assert/strict';
import { isLearningError, LearningInsight, MetricsTracker } from '@autodev/learning';

const t0 = Date.UTC(2026, 0, 1);
const tracker = new MetricsTracker({ now: () => t0 });
let seed = 11;
const jitter = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;

for (let run = 0; run < 40; run++) {
  const timestamp = t0 + run * 3_600_000;
  // build_time: steady around 120 s, then 20% slower for the last 5 runs.
  await tracker.recordMetric('build_time', (run < 35 ? 120 : 144) + jitter(), { branch: 'main' }, { timestamp });
  // coverage_percent: steady — nothing to report.
  await tracker.recordMetric('coverage_percent', 90 + jitter() * 0.2, { branch: 'main' }, { timestamp });
}

const insights = await tracker.generateInsights();
for (const insight of insights) {
  if (insight.confidence >= 0.8) {
    // 80%+ confidence: take action
    console.log(`[${insight.category}] ${insight.description}`);
    console.log(`  confidence ${insight.confidence.toFixed(3)}, p = ${String(insight.evidence.pValue)}, baseline ${String(insight.evidence.baselineN)} runs`);
    console.log(`  Action: ${insight.suggestedAction}`);
  }
}

const regression = insights.find((i) => i.metric === 'build_time');
assert.ok(regression && regression.kind === 'regression', 'the slower builds are a regression');
assert.ok(regression.confidence >= 0.8, 'a 20% step over 35 steady runs is a high-confidence finding');
assert.ok(typeof regression.evidence.pValue === 'number' && regression.evidence.pValue < 0.01);
assert.ok(Math.abs(Number(regression.evidence.relativeChange) - 0.2) < 0.05);
assert.equal(insights.filter((i) => i.metric === 'coverage_percent').length, 0, 'a steady metric raises nothing');

// Every confidence is a probability: never outside [0, 1].
assert.ok(insights.every((i) => i.confidence >= 0 && i.confidence <= 1));

// The guide's LearningInsight snippet: structured insights with confidence scores. A hand-built insight has
// kind 'custom'; its confidence is a probability too, so a percentage is refused with a typed error.
const insight = new LearningInsight({
  category: 'performance',
  description: 'Test execution time is increasing',
  confidence: 0.8,
  suggestedAction: 'Review test efficiency',
});
assert.equal(insight.kind, 'custom');
assert.throws(
  () => new LearningInsight({ category: 'performance', description: 'Test execution time is increasing', confidence: 80, suggestedAction: 'Review test efficiency' }),
  (e: unknown) => isLearningError(e) && e.code === 'INVALID_ARGUMENT' && /use 0\.85 for 85%/.test(e.message),
);
