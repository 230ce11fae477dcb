// Model check: random append/query sequences with hostile strings and values give the same answers
// as the reference memory store.
import { itAnswersLikeTheMemoryStore } from '@autodev/learning/testing';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { openPostgresStore } from '../src/index.js';
import { databaseUrl, randomSchema } from './fixtures/database-url.js';

const url = databaseUrl();
const schema = randomSchema();
let pool: pg.Pool;
let run = 0;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: url, max: 2 });
});
afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

let table = '';

// A fresh table per run, all on one borrowed pool; each run's table is read back by a second store.
itAnswersLikeTheMemoryStore(() => openPostgresStore({ pool, schema, table: (table = `model_${run++}`) }), { numRuns: 30, reopen: () => openPostgresStore({ pool, schema, table }) });
