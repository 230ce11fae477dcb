import pg from 'pg';
import { afterAll } from 'vitest';
import { describeMetricStoreContract } from '@autodev/learning/testing';
import { openPostgresStore } from '../src/index.js';
import { databaseUrl, randomSchema } from './fixtures/database-url.js';

const url = databaseUrl();
const admin = new pg.Pool({ connectionString: url, max: 1 });
afterAll(() => admin.end());

// Every fixture gets its own schema (and pool), dropped by dispose.
describeMetricStoreContract(
  'postgres',
  async () => {
    const schema = randomSchema();
    const store = await openPostgresStore({ connectionString: url, schema, maxConnections: 2 });
    return { store, dispose: async () => void (await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)) };
  },
  {
    reopen: async (f) => {
      const schema = /^"([^"]+)"/.exec((f.store).table)![1]!;
      return { ...f, store: await openPostgresStore({ connectionString: url, schema, maxConnections: 2 }) };
    },
  },
);
