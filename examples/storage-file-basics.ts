// @autodev/storage-file: open a store, append, query, see what a crash leaves behind and how the
// store recovers, then compact.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileStore, type FileStoreWarning } from '@autodev/storage-file';

const dir = await mkdtemp(join(tmpdir(), 'autodev-storage-file-'));
const path = join(dir, '.autodev', 'metrics.jsonl');
try {
  const store = await openFileStore({ path });
  const t0 = Date.parse('2026-02-01T00:00:00Z');
  await store.append([{ name: 'test_duration', value: 12.5, timestamp: t0, metadata: { branch: 'main' } }]);
  // One append call with several records is all or nothing, and one write(2).
  await store.append([
    { name: 'test_duration', value: 13.1, timestamp: t0 + 60_000, metadata: { branch: 'dev' } },
    { name: 'coverage_percent', value: 81.2, timestamp: t0 + 60_000, metadata: { branch: 'dev' } },
  ]);
  assert.deepEqual(await store.names(), ['coverage_percent', 'test_duration']);
  const main = await store.query({ name: 'test_duration', where: { branch: 'main' } });
  assert.deepEqual(main.map((r) => r.value), [12.5]);
  const newest = await store.query({ order: 'desc', limit: 1 });
  assert.equal(newest[0]?.name, 'coverage_percent');
  await store.close();

  // A process killed mid-write leaves a torn last line. Simulate it:
  await appendFile(path, '{"name":"test_duration","value":14');
  const warnings: FileStoreWarning[] = [];
  // Opening is lazy (it reads the header and the last byte); the first read finds the torn line.
  const recovered = await openFileStore({ path, onWarning: (w) => warnings.push(w) });
  assert.equal((await recovered.query()).length, 3, 'everything before the torn line is read');
  assert.equal(warnings[0]?.code, 'TORN_LINE');
  console.log(`warning: ${warnings[0]?.message}`);
  await recovered.append([{ name: 'test_duration', value: 14.2, timestamp: t0 + 120_000, metadata: {} }]);
  assert.equal((await recovered.query()).length, 4, 'the next append starts on a fresh line');

  // compact() rewrites the file atomically without the torn line; nothing else ever rewrites it.
  const result = await recovered.compact();
  assert.equal(result.records, 4);
  await recovered.close();
  const text = await readFile(path, 'utf8');
  console.log(text);
  assert.equal(text.trimEnd().split('\n').length, 5);
} finally {
  await rm(dir, { recursive: true, force: true });
}
