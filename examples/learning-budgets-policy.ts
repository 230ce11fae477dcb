// The guide's Best Practice 4, "Performance Thresholds": budgets from automation_policy.yaml.
// A breach by the latest value is an insight with confidence 1; a forecast crossing is a warning.
import assert from 'node:assert/strict';
import { checkBudgets, MetricsTracker, parsePolicy, isLearningError } from '@autodev/learning';

// automation_policy.yaml, as any YAML parser returns it:
//   performance:
//     test_duration_max: 60  # seconds
//     build_time_max: 300    # seconds
//     cache_size: 100        # items
const policy = parsePolicy({ performance: { test_duration_max: 60, build_time_max: 300, cache_size: 100 } });
assert.deepEqual(policy.metrics, { test_duration: { max: 60 }, build_time: { max: 300 } });
assert.equal(policy.settings.cache_size, 100); // not a budget: kept as a setting

// Latest values straight from CI, no history needed.
const breaches = checkBudgets({ test_duration: 72.4, build_time: 250 }, policy);
console.log(breaches.map((b) => `${b.metric} = ${b.value} > ${b.limit} (+${(b.relativeExcess * 100).toFixed(0)}%)`).join('\n'));
assert.equal(breaches.length, 1);
assert.equal(breaches[0]?.metric, 'test_duration');

// With history: build_time creeps up 6 s per run towards its 300 s budget.
const tracker = new MetricsTracker({ policy });
for (let run = 0; run < 20; run++) {
  await tracker.recordMetric('build_time', 180 + run * 6 + (run % 3) - 1);
  await tracker.recordMetric('test_duration', run < 19 ? 41 + (run % 4) : 63);
}
const insights = await tracker.generateInsights();
for (const i of insights) console.log(`[${i.kind}] ${i.description} (confidence ${i.confidence.toFixed(2)})`);

const breach = insights.find((i) => i.kind === 'budget-breach');
assert.equal(breach?.metric, 'test_duration');
assert.equal(breach?.confidence, 1);
const warning = insights.find((i) => i.kind === 'forecast-breach');
assert.equal(warning?.metric, 'build_time');
assert.match(warning.description, /crosses its budget 300 in about \d+ runs?\b/);

// A bad policy says which key to fix.
try {
  parsePolicy({ performance: { test_duration_max: '60s' } });
  assert.fail('should throw');
} catch (e) {
  assert.ok(isLearningError(e) && e.code === 'INVALID_ARGUMENT');
  console.log(e.message);
  assert.match(e.message, /performance\.test_duration_max/);
}
