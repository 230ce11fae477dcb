// @autodev/storage-sqlite: an embedded, indexed store in one file. Records survive the process;
// several processes (parallel CI jobs on one machine) may append to the same file at once.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateRecord } from '@autodev/learning';
import { openSqliteStore, openStore } from '@autodev/storage-sqlite';

const dir = await mkdtemp(join(tmpdir(), 'autodev-example-'));
const path = join(dir, '.autodev', 'metrics.db');
try {
  const store = await openSqliteStore({ path });
  // Records are validated above the store (validateRecord is what MetricsTracker uses).
  const t0 = Date.parse('2026-01-05T09:00:00Z');
  const durations = [41.2, 40.8, 42.0, 55.3, 54.9];
  await store.append(
    durations.map((value, i) =>
      validateRecord({ name: 'test_duration', value, timestamp: t0 + i * 3_600_000, metadata: { suite: 'unit', branch: i < 3 ? 'main' : 'feature/cache' } }),
    ),
  );
  await store.append([validateRecord({ name: 'coverage_percent', value: 87.5, timestamp: t0, metadata: { branch: 'main' } })]);

  const newest = await store.query({ name: 'test_duration', order: 'desc', limit: 2 });
  console.log('newest two test_duration values:', newest.map((r) => r.value));
  assert.deepEqual(newest.map((r) => r.value), [54.9, 55.3]);

  const onMain = await store.query({ name: 'test_duration', where: { branch: 'main' } });
  console.log('on main:', onMain.map((r) => r.value));
  assert.deepEqual(onMain.map((r) => r.value), [41.2, 40.8, 42.0]);
  await store.close();

  // The CLI opens the same file from a URL: `autodev --store sqlite:.autodev/metrics.db ...`
  const again = await openStore(`sqlite:${path}`);
  const names = await again.names();
  console.log('metrics after reopening:', names);
  assert.deepEqual(names, ['coverage_percent', 'test_duration']);
  assert.equal((await again.query({ name: 'test_duration' })).length, 5);
  await again.close();
  await assert.rejects(again.names(), { code: 'STORE_CLOSED' });
} finally {
  await rm(dir, { recursive: true, force: true });
}
