// Run: pnpm --filter @autodev/storage-sqlite bench
// Peers in the same run: the bare better-sqlite3 calls our store makes (same pragmas, same schema), so the
// ratio is the cost of the MetricStore layer (name encoding, JSON, validation, row decoding).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, bench, describe } from 'vitest';
import type { MetricRecord } from '@autodev/learning';
import { openSqliteStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'autodev-sqlite-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_700_000_000_000;
const makeRecords = (n: number, metrics: number, tag: string): MetricRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `metric_${String(i % metrics).padStart(3, '0')}`,
    value: (i * 7919) % 1000 / 10,
    timestamp: T0 + Math.floor(i / metrics) * 1000,
    metadata: { branch: i % 2 === 0 ? 'main' : 'feature', run: tag, i },
  }));

function rawDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS m (name TEXT NOT NULL, timestamp_ms REAL NOT NULL, seq INTEGER NOT NULL, value REAL NOT NULL, metadata TEXT NOT NULL,
    PRIMARY KEY (name, timestamp_ms, seq)) WITHOUT ROWID; CREATE INDEX IF NOT EXISTS m_time ON m (timestamp_ms, seq);`);
  return db;
}

describe('append 100,000 records in one batch', async () => {
  const records = makeRecords(100_000, 100, 'append');
  const store = await openSqliteStore({ path: join(dir, 'append-ours.db') });
  const db = rawDb(join(dir, 'append-raw.db'));
  const insert = db.prepare('INSERT INTO m (name, timestamp_ms, seq, value, metadata) VALUES (?, ?, ?, ?, ?)');
  let seq = 0;
  const insertAll = db.transaction((rs: MetricRecord[]) => {
    for (const r of rs) insert.run(r.name, r.timestamp, ++seq, r.value, JSON.stringify(r.metadata));
  });
  bench('@autodev/storage-sqlite append', async () => {
    await store.append(records);
  }, { iterations: 3, time: 0, warmupIterations: 0, warmupTime: 0 });
  bench('better-sqlite3 prepared INSERT in one transaction', () => {
    insertAll.immediate(records);
  }, { iterations: 3, time: 0, warmupIterations: 0, warmupTime: 0 });
});

describe('query one metric (10,000 records) out of 1,000,000 records / 100 metrics', async () => {
  const records = makeRecords(1_000_000, 100, 'query');
  const store = await openSqliteStore({ path: join(dir, 'query-ours.db') });
  await store.append(records);
  const db = new Database(join(dir, 'query-ours.db'), { readonly: true });
  const select = db.prepare('SELECT name, value, timestamp_ms, metadata FROM autodev_metrics WHERE name = ? ORDER BY timestamp_ms, seq');
  // Warm the page cache for every metric first, so the bench that happens to run first does not pay for it.
  for (let m = 0; m < 100; m++) await store.query({ name: `metric_${String(m).padStart(3, '0')}` });
  let sink: unknown; // keeps the decoded rows observable so the work is not optimised away
  let i = 0;
  const name = () => `metric_${String(i++ % 100).padStart(3, '0')}`;
  bench('@autodev/storage-sqlite query({ name })', async () => {
    sink = await store.query({ name: name() });
  }, { time: 1000 });
  bench('better-sqlite3 SELECT + JSON.parse', () => {
    sink = (select.all(name()) as { name: string; value: number; timestamp_ms: number; metadata: string }[]).map((r) => ({
      name: r.name,
      value: r.value,
      timestamp: r.timestamp_ms,
      metadata: JSON.parse(r.metadata) as unknown,
    }));
  }, { time: 1000 });
  bench('@autodev/storage-sqlite query({ name, where, limit: 100 })', async () => {
    await store.query({ name: name(), where: { branch: 'feature' }, order: 'desc', limit: 100 });
  }, { time: 1000 });
  // `where` filters (metric m holds the records i with i % 100 = m, so all of them have the same branch):
  // every row of one metric matches, one row of one metric matches, one row of the whole table matches.
  // The `limit: 100` bench above alternates between all rows matching and none (a scan of all 10,000).
  bench('@autodev/storage-sqlite query({ name, where }) (all 10,000 rows match)', async () => {
    const m = i++ % 100;
    sink = await store.query({ name: `metric_${String(m).padStart(3, '0')}`, where: { branch: m % 2 === 0 ? 'main' : 'feature' } });
  }, { time: 1000 });
  bench('@autodev/storage-sqlite query({ name, where }) (1 of 10,000 rows matches)', async () => {
    const m = i++ % 100;
    sink = await store.query({ name: `metric_${String(m).padStart(3, '0')}`, where: { i: 500_000 + m } });
  }, { time: 1000 });
  bench('@autodev/storage-sqlite query({ where }) (1 of 1,000,000 rows matches)', async () => {
    sink = await store.query({ where: { run: 'query', i: 123_456 } });
  }, { iterations: 3, time: 0, warmupIterations: 1, warmupTime: 0 });
  afterAll(() => void sink);
  bench('@autodev/storage-sqlite names()', async () => {
    await store.names();
  }, { time: 500 });
  bench('better-sqlite3 SELECT DISTINCT name', () => {
    db.prepare('SELECT DISTINCT name FROM autodev_metrics').pluck().all();
  }, { time: 500 });
});
