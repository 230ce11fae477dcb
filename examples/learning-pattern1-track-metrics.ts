// The guide's "Pattern 1: Track Development Metrics", with persistent storage:
// MetricsTracker(storage_path=Path("dev_metrics.json")) becomes MetricsTracker({ storage: await openFileStore({ path }) }).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsTracker } from '@autodev/learning';
import { openFileStore } from '@autodev/storage-file';

const dir = await mkdtemp(join(tmpdir(), 'autodev-pattern1-'));
const path = join(dir, '.autodev', 'dev_metrics.jsonl');
try {
  // Twelve CI runs: builds are steady, the test suite gets a little slower with every run.
  const store = await openFileStore({ path });
  const tracker = new MetricsTracker({ storage: store });
  const start = Date.parse('2026-01-05T09:00:00Z');
  for (let run = 0; run < 12; run++) {
    const timestamp = start + run * 3_600_000;
    // After test run
    await tracker.recordMetric('test_duration', 15 + run * 0.8 + (run % 3) * 0.2, { branch: 'main' }, { timestamp });
    // After build
    await tracker.recordMetric('build_time', 120 + (run % 4) * 0.5, { branch: 'main' }, { timestamp });
  }
  await store.close();

  // Another process (the next CI job) opens the same file and finds the history.
  const reopened = await openFileStore({ path });
  const later = new MetricsTracker({ storage: reopened });
  assert.deepEqual(await later.names(), ['build_time', 'test_duration']);
  assert.equal((await later.getMetrics('test_duration')).length, 12);

  // Generate insights periodically
  const insights = await later.generateInsights();
  for (const insight of insights) {
    console.log(`[${insight.category}] ${insight.description}`);
    console.log(`Action: ${insight.suggestedAction}`);
  }
  assert.ok(insights.some((i) => i.metric === 'test_duration'), 'the slower test suite is reported');
  assert.ok(!insights.some((i) => i.metric === 'build_time' && i.confidence >= 0.8), 'steady builds raise no confident insight');
  await reopened.close();

  // The file is JSON Lines: a header, then one record per line.
  const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
  assert.equal(lines.length, 1 + 24);
  assert.equal(JSON.parse(lines[0]!).format, 'autodev-metrics');
  console.log(lines[1]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
