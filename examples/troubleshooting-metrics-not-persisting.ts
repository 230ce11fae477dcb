// The guide's Troubleshooting case "Metrics not persisting": ensure the storage path is writable,
// and check that the metrics file is created.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLearningError, MetricsTracker } from '@autodev/learning';
import { openFileStore } from '@autodev/storage-file';

const dir = await mkdtemp(join(tmpdir(), 'autodev-persist-'));
try {
  // 1. Without a store, MetricsTracker keeps records in memory only: nothing survives the process.
  const inMemory = new MetricsTracker();
  await inMemory.recordMetric('test_duration', 12.5);
  assert.equal(existsSync(join(dir, 'metrics.jsonl')), false);

  // 2. With a file store the file (and its folders) is created on open. Check: it exists.
  const path = join(dir, 'ci', 'metrics.jsonl');
  const store = await openFileStore({ path, fsync: true });
  assert.equal(existsSync(path), true, 'metrics.jsonl should be created');
  await new MetricsTracker({ storage: store }).recordMetric('test_duration', 12.5, { suite: 'integration' });
  await store.close();
  // ...and a new store, as the next process would open it, reads the record back.
  const again = await openFileStore({ path });
  const [record] = await again.query({ name: 'test_duration' });
  assert.equal(record?.value, 12.5);
  await again.close();
  console.log(`persisted: ${JSON.stringify(record)}`);

  // 3. A path that cannot hold a file fails at open, with a typed error saying what to fix,
  //    instead of silently losing metrics later.
  const blocker = join(dir, 'not-a-folder');
  await writeFile(blocker, 'a file where a folder should be');
  const error = await openFileStore({ path: join(blocker, 'metrics.jsonl') }).catch((e: unknown) => e);
  assert.ok(isLearningError(error));
  assert.equal(error.code, 'STORE_IO');
  console.log(`unwritable path: ${error.message}`);

  const folder = await openFileStore({ path: dir }).catch((e: unknown) => e);
  assert.ok(isLearningError(folder) && folder.code === 'STORE_IO');
  assert.match(folder.message, /folder/);
  console.log(`folder as path: ${folder.message}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
