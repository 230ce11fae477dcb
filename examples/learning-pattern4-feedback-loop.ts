// The guide's "Pattern 4: Feedback Loop Integration": evaluate each development iteration, act on
// high-confidence insights, and let the loop learn which findings held up.
import assert from 'node:assert/strict';
import { FeedbackLoop, MetricsTracker } from '@autodev/learning';

const tracker = new MetricsTracker();
const loop = new FeedbackLoop(tracker);

// A deterministic stand-in for run_tests(): 30 steady runs, then a change makes the suite ~25% slower.
let seed = 7;
const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.4;
const runTests = (i: number) => ({ duration: (i < 30 ? 12 : 15) + noise(), coverage: 91 + noise() });

const actions: string[] = [];
async function runIteration(i: number) {
  const testResult = runTests(i);
  const metrics = { test_duration: testResult.duration, coverage_percent: testResult.coverage };
  const insights = await loop.evaluateIteration(metrics, { iteration: i });
  for (const insight of insights) {
    if (insight.confidence >= 0.8) {
      console.log(`High-confidence action: ${insight.suggestedAction}`);
      console.log(`  because ${insight.description} (confidence ${insight.confidence.toFixed(2)})`);
      actions.push(insight.kind);
    }
  }
}

for (let i = 0; i < 40; i++) await runIteration(i);

// The slowdown was raised as a regression, and the follow-up runs confirmed it.
assert.ok(actions.includes('regression'), 'the slowdown should be reported as a regression');
const findings = await loop.history({ metric: 'test_duration' });
const regression = findings.find((f) => f.kind === 'regression');
assert.ok(regression, 'the regression is remembered');
assert.equal(regression.outcome, 'confirmed');
console.log(`Finding ${regression.id}: ${regression.kind} of test_duration, ${regression.outcome} (follow-up median ${regression.followUpMedian?.toFixed(2)})`);

// Suggestions for the next task, grounded in that history and in the task context.
const suggestions = await loop.suggestOptimizations({ taskType: 'refactoring', complexity: 'high' });
for (const suggestion of suggestions) {
  console.log(`${suggestion.category}: ${suggestion.action}`);
  console.log(`Priority: ${suggestion.priority}`);
}
assert.equal(suggestions[0]?.priority, 'high');
assert.equal(suggestions[0]?.metric, 'test_duration');
assert.ok(suggestions.some((s) => s.action.startsWith('Split the work')));
