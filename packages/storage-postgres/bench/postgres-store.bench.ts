// Run: pnpm --filter @autodev/storage-postgres bench   (PostgreSQL from DATABASE_URL / PG* env, as the tests)
// Peers in the same run, on the same server and table layout: a plain `pg` loop of one INSERT per record,
// and a multi-row `INSERT ... VALUES (...), (...)` of 1,000 rows per statement (no COPY), both in one
// transaction like ours; for reads, a plain `pg` SELECT with the driver's default row parsing.
import pg from 'pg';
import { afterAll, bench, describe } from 'vitest';
import type { MetricRecord } from '@autodev/learning';
import { openPostgresStore } from '../src/index.js';
import { databaseUrl, randomSchema } from '../test/fixtures/database-url.js';

const url = databaseUrl();
const schema = randomSchema();
const admin = new pg.Pool({ connectionString: url, max: 2 });
afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

const T0 = 1_700_000_000_000;
const makeRecords = (n: number, metrics: number): MetricRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `metric_${String(i % metrics).padStart(3, '0')}`,
    value: ((i * 7919) % 1000) / 10,
    timestamp: T0 + Math.floor(i / metrics) * 1000,
    metadata: { branch: i % 2 === 0 ? 'main' : 'feature', i },
  }));
const once = { iterations: 2, time: 0, warmupIterations: 0, warmupTime: 0 };

describe('append 100,000 records in one batch', async () => {
  const records = makeRecords(100_000, 100);
  const store = await openPostgresStore({ connectionString: url, schema, table: 'append_ours' });
  // The baselines write into tables of the same shape (same indexes), created through the store.
  await (await openPostgresStore({ connectionString: url, schema, table: 'append_loop' })).close();
  await (await openPostgresStore({ connectionString: url, schema, table: 'append_values' })).close();
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const inTransaction = async (work: (c: pg.PoolClient) => Promise<void>) => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await work(c);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
  };
  bench('@autodev/storage-postgres append (unnest, 10,000 rows per statement)', async () => {
    await store.append(records);
  }, once);
  bench('pg multi-row INSERT VALUES, 1,000 rows per statement', async () => {
    await inTransaction(async (c) => {
      for (let start = 0; start < records.length; start += 1000) {
        const chunk = records.slice(start, start + 1000);
        const params: unknown[] = [];
        const rows = chunk.map((r) => {
          params.push(r.name, r.value, r.timestamp, JSON.stringify(r.metadata));
          const k = params.length;
          return `($${k - 3}, $${k - 2}, $${k - 1}, $${k}::jsonb)`;
        });
        await c.query(`INSERT INTO "${schema}".append_values (name, value, timestamp_ms, metadata) VALUES ${rows.join(', ')}`, params);
      }
    });
  }, once);
  bench('pg INSERT loop, one statement per record', async () => {
    await inTransaction(async (c) => {
      for (const r of records)
        await c.query(`INSERT INTO "${schema}".append_loop (name, value, timestamp_ms, metadata) VALUES ($1, $2, $3, $4::jsonb)`, [r.name, r.value, r.timestamp, JSON.stringify(r.metadata)]);
    });
  }, { ...once, iterations: 1 });
});

describe('query one metric (10,000 records) out of 1,000,000 records / 100 metrics', async () => {
  const store = await openPostgresStore({ connectionString: url, schema, table: 'query_ours' });
  // Filled server-side (the same rows makeRecords would build): this is the read benchmark, not the write one.
  await admin.query(`INSERT INTO "${schema}".query_ours (name, value, timestamp_ms, metadata)
    SELECT 'metric_' || lpad((i % 100)::text, 3, '0'), ((i::bigint * 7919) % 1000) / 10.0, ${T0} + (i / 100) * 1000,
           jsonb_build_object('branch', CASE WHEN i % 2 = 0 THEN 'main' ELSE 'feature' END, 'i', i)
    FROM generate_series(0, 999999) AS i ORDER BY i`);
  await admin.query(`VACUUM ANALYZE "${schema}".query_ours`);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  // Warm the server's buffers for every metric first, so the bench that happens to run first does not pay for it.
  for (let m = 0; m < 100; m++) await store.query({ name: `metric_${String(m).padStart(3, '0')}` });
  let i = 0;
  const name = () => `metric_${String(i++ % 100).padStart(3, '0')}`;
  bench('@autodev/storage-postgres query({ name })', async () => {
    await store.query({ name: name() });
  }, { time: 2000 });
  bench('pg SELECT ... WHERE name = $1 ORDER BY timestamp_ms, seq', async () => {
    await pool.query(`SELECT name, value, timestamp_ms, metadata FROM "${schema}".query_ours WHERE name = $1 ORDER BY timestamp_ms, seq`, [name()]);
  }, { time: 2000 });
  bench('@autodev/storage-postgres query({ name, where, order: desc, limit: 100 })', async () => {
    await store.query({ name: name(), where: { branch: 'feature' }, order: 'desc', limit: 100 });
  }, { time: 1000 });
  bench('@autodev/storage-postgres names()', async () => {
    await store.names();
  }, { time: 1000 });
  bench('pg SELECT DISTINCT name', async () => {
    await pool.query(`SELECT DISTINCT name FROM "${schema}".query_ours`);
  }, { time: 1000 });
  afterAll(async () => {
    await store.close();
    await pool.end();
  });
});
