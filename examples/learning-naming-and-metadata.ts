// The guide's Best Practices 1 (metric naming) and 2 (metadata usage).
import assert from 'node:assert/strict';
import { isLearningError, MetricsTracker } from '@autodev/learning';

let clock = Date.parse('2026-02-02T08:00:00Z');
const tracker = new MetricsTracker({ now: () => (clock += 60_000) });

// 1. Metric naming: consistent, descriptive names. The guide's "good" names...
await tracker.recordMetric('test_duration', 12.5);
await tracker.recordMetric('api_latency_users', 0.45);
// ...are the ones whose direction autodev knows: lower test_duration and api_latency_* are better.
assert.equal(tracker.polarity.polarityOf('test_duration'), 'lower');
assert.equal(tracker.polarity.polarityOf('api_latency_users'), 'lower');
// The "bad" ones are accepted, but say too little. "lat" gives no hint of which way is good, so its changes are
// reported as neutral "change" insights, never as regressions. "time" is read as lower-is-better, but the time of
// what? Test and build durations recorded under one name become one series, and its trends mean nothing.
await tracker.recordMetric('time', 12.5);
await tracker.recordMetric('lat', 0.45);
assert.equal(tracker.polarity.polarityOf('lat'), 'neutral');
assert.equal(tracker.polarity.polarityOf('time'), 'lower');

// Names that cannot be stored are rejected before anything is written, with a message that says what to fix.
for (const bad of ['', 'x'.repeat(201), 'line\nbreak']) {
  await assert.rejects(tracker.recordMetric(bad, 1), (e: unknown) => isLearningError(e) && e.code === 'INVALID_RECORD');
}
try {
  await tracker.recordMetric('test_duration', Number.NaN);
} catch (e) {
  assert.ok(isLearningError(e));
  console.log(`${e.code}: ${e.message}`); // INVALID_RECORD: metric "test_duration": value must be finite, got NaN
  assert.match(e.message, /value must be finite/);
}

// 2. Metadata: include the context you will want to filter and compare by.
for (const [suite, branch, seconds] of [
  ['integration', 'main', 12.5],
  ['integration', 'main', 12.7],
  ['unit', 'main', 3.1],
  ['integration', 'feature/cache', 9.8],
] as const) {
  await tracker.recordMetric('test_duration', seconds, { suite, branch, python_version: '3.11' });
}
const mainIntegration = await tracker.getMetrics('test_duration', { where: { suite: 'integration', branch: 'main' } });
assert.deepEqual(
  mainIntegration.map((r) => r.value),
  [12.5, 12.7],
);
console.log(`integration on main: ${mainIntegration.map((r) => `${r.value}s`).join(', ')}`);

// Metadata must be plain JSON: a Date or a function is refused (convert it first), and so is a cycle.
await assert.rejects(tracker.recordMetric('build_time', 120, { at: new Date() as never }), /toISOString/);
const ok = await tracker.recordMetric('build_time', 120, { at: new Date(clock).toISOString(), nested: { ok: [1, 2] } });
assert.deepEqual(ok.metadata.nested, { ok: [1, 2] });

// A batch is all-or-nothing: one bad record and nothing of it is written.
const before = (await tracker.getMetrics()).length;
await assert.rejects(
  tracker.recordMetrics([
    { name: 'coverage_percent', value: 95, metadata: { branch: 'main' } },
    { name: 'lint_errors', value: Number.POSITIVE_INFINITY },
  ]),
  /records\[1\]/,
);
assert.equal((await tracker.getMetrics()).length, before);
console.log(`metrics: ${(await tracker.names()).join(', ')}`);
assert.deepEqual(await tracker.names(), ['api_latency_users', 'build_time', 'lat', 'test_duration', 'time']);
