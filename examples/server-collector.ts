// Distributed metrics collection: one collector (@autodev/server over a file store) and CI agents that record
// into it through @autodev/storage-http, then the collector's insights and its live event stream.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsTracker } from '@autodev/learning';
import { createMetricsServer } from '@autodev/server';
import { openFileStore } from '@autodev/storage-file';
import { openHttpStore } from '@autodev/storage-http';

const dir = await mkdtemp(join(tmpdir(), 'autodev-collector-'));
const token = 'example-token-change-me';
const store = await openFileStore({ path: join(dir, 'metrics.jsonl') });
const server = createMetricsServer({ store, token, insights: { policy: { performance: { test_duration_max: 60 } } } });
try {
  // Port 0 picks a free port; a real collector uses a fixed one (`autodev serve --port 8787`).
  const url = await server.listen({ port: 0 });
  console.log(`collector listening on ${url} (dashboard at ${url}/?token=…)`);

  // Watch the live stream the dashboard uses, to show that every appended record is pushed.
  const live = await fetch(`${url}/v1/events`, { headers: { authorization: `Bearer ${token}` } });
  const reader = live.body!.pipeThrough(new TextDecoderStream()).getReader();
  let streamed = '';
  const readUntil = async (done: () => boolean) => {
    while (!done()) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error('the event stream ended early');
      streamed += chunk.value;
    }
  };
  await readUntil(() => streamed.includes('event: ready'));

  // Three CI agents (three machines in real life) record 12 runs each; the suite got slower at run 9.
  const start = Date.parse('2026-02-02T09:00:00Z');
  await Promise.all(
    ['runner-a', 'runner-b', 'runner-c'].map(async (runner, r) => {
      const storage = await openHttpStore({ url, token });
      const tracker = new MetricsTracker({ storage });
      for (let run = 0; run < 12; run++) {
        const timestamp = start + (run * 3 + r) * 60_000;
        const duration = (run < 9 ? 30 : 42) + ((run + r) % 3) * 0.4;
        await tracker.recordMetrics([
          { name: 'test_duration', value: duration, timestamp, metadata: { runner, branch: 'main' } },
          { name: 'coverage_percent', value: 82 + (run % 2) * 0.1, timestamp, metadata: { runner, branch: 'main' } },
        ]);
      }
      await storage.close();
    }),
  );

  // Everything landed in the collector's file, once.
  assert.equal((await store.query({ name: 'test_duration' })).length, 36);
  assert.deepEqual(await store.names(), ['coverage_percent', 'test_duration']);

  // The live stream carried every record.
  await readUntil(() => (streamed.match(/"name":"test_duration"/g) ?? []).length === 36);
  console.log(`live stream: ${(streamed.match(/event: records/g) ?? []).length} record events`);
  await reader.cancel();

  // Any machine can ask the collector for insights, computed by @autodev/learning's engine.
  const res = await fetch(`${url}/v1/insights?name=test_duration`, { headers: { authorization: `Bearer ${token}` } });
  const { insights } = (await res.json()) as { insights: { kind: string; confidence: number; description: string; suggestedAction: string }[] };
  for (const i of insights) console.log(`[${i.kind} ${(i.confidence * 100).toFixed(0)}%] ${i.description}\n  → ${i.suggestedAction}`);
  assert.ok(insights.some((i) => i.kind === 'regression'), 'the slowdown at run 9 is reported as a regression');

  // Without the token, the collector refuses and stores nothing.
  const refused = await fetch(`${url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"name":"x","value":1}]' });
  assert.equal(refused.status, 401);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'UNAUTHORIZED');
} finally {
  await server.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
