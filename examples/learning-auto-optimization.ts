// The guide's Future Enhancement "Automatic optimization application": act on insights at confidence ≥ 0.8
// on your behalf, with a dry run first, an audit trail in the tracker, and an automatic revert when the
// feedback loop confirms that the metric got worse after the action.
import assert from 'node:assert/strict';
import { AutoOptimizer, createMemoryStore, FeedbackLoop, MetricsTracker, OPTIMIZATION_METRIC } from '@autodev/learning';

const store = createMemoryStore(); // a file / sqlite / postgres store in real use
const tracker = new MetricsTracker({ storage: store });
let clock = Date.UTC(2025, 0, 1);
const loop = new FeedbackLoop(tracker, { now: () => (clock += 3_600_000) });

// The "CI settings" the actions change, and a deterministic stand-in for a CI run.
const settings = { testWorkers: 2, bundler: 'stable' };
let seed = 11;
const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.02;
function runCi(i: number) {
  // At run 30 both metrics regress: slower tests were added, and a dependency made the build slower.
  const tests = (i < 30 ? 10 : 13) * (settings.testWorkers > 2 ? 0.7 : 1);
  const build = (i < 30 ? 100 : 125) * (settings.bundler === 'experimental' ? 1.3 : 1);
  return { test_duration: tests * (1 + noise()), build_time: build * (1 + noise()) };
}

const optimizer = new AutoOptimizer(loop, { threshold: 0.8, cooldownRuns: 10, maxPerCall: 2 })
  .register({
    id: 'more-test-workers',
    handles: { kind: ['regression', 'budget-breach'], metric: 'test_duration' },
    apply: () => {
      const before = settings.testWorkers;
      settings.testWorkers = before * 2;
      return () => void (settings.testWorkers = before);
    },
  })
  .register({
    id: 'experimental-bundler',
    handles: { kind: 'regression', metric: 'build_*' },
    apply: () => {
      settings.bundler = 'experimental'; // it turns out to make builds slower
      return () => void (settings.bundler = 'stable');
    },
  });

for (let i = 0; i < 60; i++) {
  const insights = await loop.evaluateIteration(runCi(i), { run: i });
  // Look first: what would be done now? Nothing is called or recorded.
  const plan = await optimizer.applyOptimizations(insights, { dryRun: true });
  for (const p of plan) if (p.status === 'dry-run') console.log(`run ${i}: would apply ${p.actionId} for ${p.metric}`);
  // Then act. Earlier applications are judged on every call.
  for (const r of await optimizer.applyOptimizations(insights)) {
    if (r.status !== 'skipped') console.log(`run ${i}: ${r.status} ${r.actionId} on ${r.metric}${r.reason ? ` (${r.reason})` : ''}`);
  }
}

// The audit trail: the test workers helped and were kept; the experimental bundler was reverted.
const trail = await optimizer.history();
for (const a of trail) console.log(`${a.id}: ${a.actionId} on ${a.metric} at confidence ${a.confidence.toFixed(2)} → ${a.status}`);
assert.equal(trail.find((a) => a.actionId === 'more-test-workers')?.status, 'kept');
assert.equal(trail.find((a) => a.actionId === 'experimental-bundler')?.status, 'reverted');
assert.deepEqual(settings, { testWorkers: 4, bundler: 'stable' });

// It is stored with the metrics: a later CI job (a new process on the same store) sees the same history.
assert.ok((await tracker.getMetrics(OPTIMIZATION_METRIC)).length >= 4);
const nextJob = new AutoOptimizer(new FeedbackLoop(new MetricsTracker({ storage: store })));
assert.deepEqual(await nextJob.history(), trail);
